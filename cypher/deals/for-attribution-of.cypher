// The given deals with what attribution and reports read: for-attribution.cypher for the deals a write touched.
// params: $ids [string]
// returns: id, stage, amount, closedAt, partners
UNWIND $ids AS id
MATCH (d:Deal {id: id})
RETURN d.id AS id, d.stage AS stage, d.amount AS amount, d.closedAt AS closedAt,
  [(d)<-[e:PARTICIPATES_IN]-(p:Partner) | {partner: p.id, role: e.role, registeredAt: e.registeredAt, types: p.types}] AS partners
