// Each partner's part in the given deals that are won: won-deals.cypher for the deals a write touched.
// params: $ids [string]
// returns: partner, deal, amount, registeredAt
UNWIND $ids AS id
MATCH (d:Deal {id: id})<-[e:PARTICIPATES_IN]-(p:Partner)
WHERE d.stage = 'won'
RETURN p.id AS partner, d.id AS deal, d.amount AS amount, e.registeredAt AS registeredAt
