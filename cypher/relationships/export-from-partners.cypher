// Every relationship leaving the given partners, in no order: the export
// sorts each window by key itself, cheaper than the engine's ORDER BY.
// params: $ids [string]
// returns: from, to, type, properties
UNWIND $ids AS id
MATCH (a:Partner {id: id})-[e:INTEGRATES_WITH|IMPLEMENTS|RESELLS|REFERS_TO|CO_SELLS_WITH|SERVES]->(b)
RETURN id AS from, b.id AS to, type(e) AS type, e {.*} AS properties
