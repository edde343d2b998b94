// A filtered page of partner→partner and partner→customer relationships.
// The cursor is an offset: relationships have no single sortable key.
// params: $node, $type, $skip, $limit
// returns: from, to, type, properties
MATCH (a:Partner)-[e:INTEGRATES_WITH|IMPLEMENTS|RESELLS|REFERS_TO|CO_SELLS_WITH|SERVES]->(b)
WHERE ($type IS NULL OR type(e) = $type)
  AND ($node IS NULL OR a.id = $node OR b.id = $node)
WITH a, e, b ORDER BY a.id, b.id, type(e), e.role SKIP $skip LIMIT $limit
RETURN a.id AS from, b.id AS to, type(e) AS type, e {.*} AS properties
