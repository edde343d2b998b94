// A page of regions in id order, after the cursor id.
// params: $after, $limit
// returns: record
MATCH (n:Region)
WHERE n.id > $after
WITH n ORDER BY n.id LIMIT $limit
RETURN n {.*} AS record
