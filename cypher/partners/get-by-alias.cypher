// The partner an alias id was folded into by identity resolution.
// params: $id
// returns: id
MATCH (p:Partner)
WHERE $id IN p.aliases
RETURN p.id AS id
LIMIT 1
