// Every partner→partner and partner→customer relationship (memberships travel inline on partners).
// returns: from, to, type, properties
MATCH (a:Partner)-[e:INTEGRATES_WITH|IMPLEMENTS|RESELLS|REFERS_TO|CO_SELLS_WITH|SERVES]->(b)
RETURN a.id AS from, b.id AS to, type(e) AS type, e {.*} AS properties
