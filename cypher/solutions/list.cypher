// A page of solutions in id order, after the cursor id.
// params: $after, $limit
// returns: record
MATCH (n:Solution)
WHERE n.id > $after
WITH n ORDER BY n.id LIMIT $limit
RETURN n {.*} AS record
