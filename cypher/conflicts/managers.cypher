// The partners that manage a customer: SERVES in the `manage` role, for the
// customers that have a deal (the only ones a claim can be on).
// returns: customer, partner, name
// Matched from the deal: Grafeo plans a pattern from its first node.
MATCH (d:Deal)-[:FOR]->(c:Customer)<-[s:SERVES]-(p:Partner)
WHERE s.role = 'manage'
RETURN DISTINCT c.id AS customer, p.id AS partner, p.name AS name
