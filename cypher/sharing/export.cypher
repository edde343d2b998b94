// Every sharing setting, for the bundle: a level towards another partner,
// or (other null) a default.
// returns: partner, other, level
MATCH (p:Partner)-[e:SHARES]->(o:Partner)
RETURN p.id AS partner, o.id AS other, e.level AS level
UNION ALL
MATCH (p:Partner)-[d:SHARES_BY_DEFAULT]->()
RETURN p.id AS partner, null AS other, d.level AS level
