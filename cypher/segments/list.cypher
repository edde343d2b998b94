// A page of segments in id order, after the cursor id.
// params: $after, $limit
// returns: record
MATCH (n:Segment)
WHERE n.id > $after
WITH n ORDER BY n.id LIMIT $limit
RETURN n {.*} AS record
