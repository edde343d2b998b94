// A window of customer ids in id order, from $from on (inclusive).
// params: $from, $limit
// returns: id
MATCH (c:Customer)
WHERE c.id >= $from
WITH c.id AS id ORDER BY id LIMIT $limit
RETURN id
