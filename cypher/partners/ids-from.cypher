// A window of partner ids in id order, from $from on (inclusive): relationship
// pages walk the partners by key, a window at a time.
// params: $from, $limit
// returns: id
MATCH (p:Partner)
WHERE p.id >= $from
WITH p.id AS id ORDER BY id LIMIT $limit
RETURN id
