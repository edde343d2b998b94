// One page of partner→partner and partner→customer relationships with only
// what the analytics projection reads: those of the next $limit partners in
// id order after $after. Paging by key keeps every result small however large
// the store. A partner with no relationship gives one row whose `to` is null,
// so that the page's last partner is always seen.
// params: $after, $limit
// returns: from, to, type, role, annualValue
MATCH (a:Partner)
WHERE a.id > $after
WITH a ORDER BY a.id LIMIT $limit
OPTIONAL MATCH (a)-[e:INTEGRATES_WITH|IMPLEMENTS|RESELLS|REFERS_TO|CO_SELLS_WITH|SERVES]->(b)
RETURN a.id AS from, b.id AS to, type(e) AS type, e.role AS role, e.annualValue AS annualValue
