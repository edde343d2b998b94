// The first $limit relationships touching one partner or customer, from each
// side, in key order (source id, target id, type, role; role '' for none)
// after the key $after ({from, to, type, role}). Each part starts from the
// node's index entry; the caller merges the parts.
// params: $node, $type, $after, $limit
// returns: from, to, type, role, since, annualValue, source, updatedAt
MATCH (a:Partner {id: $node})-[e:INTEGRATES_WITH|IMPLEMENTS|RESELLS|REFERS_TO|CO_SELLS_WITH|SERVES]->(b)
WHERE ($type IS NULL OR type(e) = $type)
  AND (a.id > $after.from OR (a.id = $after.from AND (b.id > $after.to OR (b.id = $after.to AND (type(e) > $after.type OR (type(e) = $after.type AND coalesce(e.role, '') > $after.role))))))
WITH a, e, b ORDER BY a.id, b.id, type(e), coalesce(e.role, '') LIMIT $limit
RETURN a.id AS from, b.id AS to, type(e) AS type, e.role AS role, e.since AS since, e.annualValue AS annualValue, e.source AS source, e.updatedAt AS updatedAt
UNION ALL
MATCH (b:Partner {id: $node})<-[e:INTEGRATES_WITH|IMPLEMENTS|RESELLS|REFERS_TO|CO_SELLS_WITH]-(a:Partner)
WHERE ($type IS NULL OR type(e) = $type)
  AND (a.id > $after.from OR (a.id = $after.from AND (b.id > $after.to OR (b.id = $after.to AND (type(e) > $after.type OR (type(e) = $after.type AND coalesce(e.role, '') > $after.role))))))
WITH a, e, b ORDER BY a.id, b.id, type(e), coalesce(e.role, '') LIMIT $limit
RETURN a.id AS from, b.id AS to, type(e) AS type, e.role AS role, e.since AS since, e.annualValue AS annualValue, e.source AS source, e.updatedAt AS updatedAt
UNION ALL
MATCH (b:Customer {id: $node})<-[e:SERVES]-(a:Partner)
WHERE ($type IS NULL OR type(e) = $type)
  AND (a.id > $after.from OR (a.id = $after.from AND (b.id > $after.to OR (b.id = $after.to AND (type(e) > $after.type OR (type(e) = $after.type AND coalesce(e.role, '') > $after.role))))))
WITH a, e, b ORDER BY a.id, b.id, type(e), coalesce(e.role, '') LIMIT $limit
RETURN a.id AS from, b.id AS to, type(e) AS type, e.role AS role, e.since AS since, e.annualValue AS annualValue, e.source AS source, e.updatedAt AS updatedAt
