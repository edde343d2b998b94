// The partner→partner and partner→customer relationships of one page of
// partners, with only what the analytics projection reads. The projection
// pages through the partner ids it has read, so that no result holds a
// million rows and each page costs index look-ups only.
// params: $ids
// returns: from, to, type, role, annualValue
UNWIND $ids AS id
MATCH (a:Partner {id: id})-[e:INTEGRATES_WITH|IMPLEMENTS|RESELLS|REFERS_TO|CO_SELLS_WITH|SERVES]->(b)
RETURN a.id AS from, b.id AS to, type(e) AS type, e.role AS role, e.annualValue AS annualValue
