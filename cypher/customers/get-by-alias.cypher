// The customer an alias id was folded into by identity resolution, through its
// alias node (an index seek; the customer's own aliases list confirms it).
// params: $id
// returns: id
MATCH (a:CustomerAlias {id: $id})
WITH a.of AS kept
MATCH (c:Customer {id: kept})
WHERE $id IN c.aliases
RETURN c.id AS id
LIMIT 1
