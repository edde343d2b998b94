// What tier requirements read of each partner in a track: certified
// capabilities, customers served with their value, and integrations.
// returns: partner, certified, served, integrations
MATCH (p:Partner)
WHERE (p)-[:IN_TRACK]->(:Track)
RETURN p.id AS partner,
  [(p)-[c:HAS_CAPABILITY]->(cap:Capability) WHERE c.certified = true | cap.id] AS certified,
  [(p)-[s:SERVES]->(c:Customer) | {customer: c.id, value: s.annualValue}] AS served,
  size([(p)-[:INTEGRATES_WITH|IMPLEMENTS]->(o:Partner) | o.id]) AS integrations
