// One Deal by id with its customer, region, needs and partners, or no row.
// params: $id
// returns: record, customer, region, needs, partners
MATCH (n:Deal {id: $id})
RETURN n {.*} AS record,
  [(n)-[:FOR]->(c:Customer) | c.id] AS customer,
  [(n)-[:IN_REGION]->(r:Region) | r.id] AS region,
  [(n)-[:NEEDS]->(c:Capability) | c.id] AS needs,
  [(p:Partner)-[e:PARTICIPATES_IN]->(n) | {partner: p.id, role: e.role, claimedShare: e.claimedShare, registeredAt: e.registeredAt}] AS partners
