// One partner's sharing settings as it wrote them.
// params: $partner
// returns: defaults, levels
MATCH (p:Partner {id: $partner})
RETURN [(p)-[d:SHARES_BY_DEFAULT]->() | d.level] AS defaults,
  [(p)-[e:SHARES]->(o:Partner) | {partner: o.id, level: e.level}] AS levels
