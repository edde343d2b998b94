// The customer an alias id was folded into by identity resolution.
// params: $id
// returns: id
MATCH (c:Customer)
WHERE $id IN c.aliases
RETURN c.id AS id
LIMIT 1
