// The partner an alias id was folded into by identity resolution, through its
// alias node (an index seek; the partner's own aliases list confirms it).
// params: $id
// returns: id
MATCH (a:PartnerAlias {id: $id})
WITH a.of AS kept
MATCH (p:Partner {id: kept})
WHERE $id IN p.aliases
RETURN p.id AS id
LIMIT 1
