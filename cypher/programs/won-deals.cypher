// Every partner's part in a won deal, with the deal's amount and when the part was registered.
// Matched from the deal: Grafeo plans a pattern from its first node.
// returns: partner, deal, amount, registeredAt
MATCH (d:Deal)<-[e:PARTICIPATES_IN]-(p:Partner)
WHERE d.stage = 'won'
RETURN p.id AS partner, d.id AS deal, d.amount AS amount, e.registeredAt AS registeredAt
