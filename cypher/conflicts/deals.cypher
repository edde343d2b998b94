// Every deal with what conflict detection reads: its stage, amount, customer,
// needs and partners, each with its name, role, claimed share, registration
// time and partner types.
// returns: id, stage, amount, customer, customerName, needs, partners
// Matched from the deal: Grafeo plans a pattern from its first node.
MATCH (d:Deal)-[:FOR]->(c:Customer)
RETURN d.id AS id, d.stage AS stage, d.amount AS amount, c.id AS customer, c.name AS customerName,
  [(d)-[:NEEDS]->(k:Capability) | {id: k.id, name: k.name}] AS needs,
  [(d)<-[e:PARTICIPATES_IN]-(p:Partner) | {partner: p.id, name: p.name, role: e.role, claimedShare: e.claimedShare, registeredAt: e.registeredAt, types: p.types}] AS partners
