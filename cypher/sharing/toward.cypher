// What the other partners share with one partner: the levels they set for
// it, and the defaults they set (the product default covers the rest).
// params: $partner
// returns: partner, level, byDefault
MATCH (q:Partner)-[e:SHARES]->(:Partner {id: $partner})
RETURN q.id AS partner, e.level AS level, false AS byDefault
UNION ALL
MATCH (q:Partner)-[d:SHARES_BY_DEFAULT]->()
WHERE q.id <> $partner
RETURN q.id AS partner, d.level AS level, true AS byDefault
