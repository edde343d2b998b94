// One customer with what ranking solutions for it reads: its record (region,
// stated needs), the needs of each of its deals with the deal's stage, and
// the partners that serve it. No row for an unknown customer.
// params: $id
// returns: record, dealNeeds, servedBy
MATCH (c:Customer {id: $id})
RETURN c {.*} AS record,
  [(c)<-[:FOR]-(d:Deal)-[:NEEDS]->(n:Capability) | {deal: d.id, stage: d.stage, need: n.id}] AS dealNeeds,
  [(c)<-[:SERVES]-(p:Partner) | p.id] AS servedBy
