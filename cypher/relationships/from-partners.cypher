// The first $limit relationships, in key order (source id, target id, type,
// role), leaving the given partners and coming after the key $after
// ({from, to, type, role}; role '' for none). Index seeks on the partners.
// params: $ids [string], $type, $after, $limit
// returns: from, to, type, role, since, annualValue, source, updatedAt
UNWIND $ids AS id
MATCH (a:Partner {id: id})-[e:INTEGRATES_WITH|IMPLEMENTS|RESELLS|REFERS_TO|CO_SELLS_WITH|SERVES]->(b)
WHERE ($type IS NULL OR type(e) = $type)
  AND (a.id > $after.from OR (a.id = $after.from AND (b.id > $after.to OR (b.id = $after.to AND (type(e) > $after.type OR (type(e) = $after.type AND coalesce(e.role, '') > $after.role))))))
WITH a, e, b ORDER BY a.id, b.id, type(e), coalesce(e.role, '') LIMIT $limit
RETURN a.id AS from, b.id AS to, type(e) AS type, e.role AS role, e.since AS since, e.annualValue AS annualValue, e.source AS source, e.updatedAt AS updatedAt
