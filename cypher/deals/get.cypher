// One Deal by id with its customer, region, needs and partners, or no row.
// params: $id
// returns: record, customer, region, needs, partners
// Partners are matched from the deal: Grafeo plans a pattern from
// its first node, and starting at (p:Partner) scanned every partner per row.
MATCH (n:Deal {id: $id})
RETURN n {.*} AS record,
  [(n)-[:FOR]->(c:Customer) | c.id] AS customer,
  [(n)-[:IN_REGION]->(r:Region) | r.id] AS region,
  [(n)-[:NEEDS]->(c:Capability) | c.id] AS needs,
  [(n)<-[e:PARTICIPATES_IN]-(p:Partner) | {partner: p.id, role: e.role, claimedShare: e.claimedShare, registeredAt: e.registeredAt}] AS partners
