// A page of one customer's deals in id order, after the cursor id, with their
// customer, region, needs and partners.
// params: $customer, $after, $limit
// returns: record, customer, region, needs, partners
// Matched from the customer (an index seek) and along its FOR edges, not by
// reading every deal.
MATCH (:Customer {id: $customer})<-[:FOR]-(n:Deal)
WHERE n.id > $after
WITH n ORDER BY n.id LIMIT $limit
RETURN n {.*} AS record,
  [(n)-[:FOR]->(c:Customer) | c.id] AS customer,
  [(n)-[:IN_REGION]->(r:Region) | r.id] AS region,
  [(n)-[:NEEDS]->(c:Capability) | c.id] AS needs,
  [(n)<-[e:PARTICIPATES_IN]-(p:Partner) | {partner: p.id, role: e.role, claimedShare: e.claimedShare, registeredAt: e.registeredAt}] AS partners
