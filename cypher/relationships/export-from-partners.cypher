// Every relationship leaving the given partners, in no order: the export
// sorts each window by key itself, cheaper than the engine's ORDER BY.
// params: $ids [string]
// returns: from, to, type, role, since, annualValue, source, updatedAt
UNWIND $ids AS id
MATCH (a:Partner {id: id})-[e:INTEGRATES_WITH|IMPLEMENTS|RESELLS|REFERS_TO|CO_SELLS_WITH|SERVES]->(b)
RETURN id AS from, b.id AS to, type(e) AS type, e.role AS role, e.since AS since, e.annualValue AS annualValue, e.source AS source, e.updatedAt AS updatedAt
