// What tier requirements read of the given partners, for those in a track:
// certified capabilities, customers served with their value, and integrations;
// read for every partner a window of ids at a time, and for the partners a write touched.
// params: $ids [string]
// returns: partner, certified, served, integrations
UNWIND $ids AS id
MATCH (p:Partner {id: id})
WHERE (p)-[:IN_TRACK]->(:Track)
RETURN p.id AS partner,
  [(p)-[c:HAS_CAPABILITY]->(cap:Capability) WHERE c.certified = true | cap.id] AS certified,
  [(p)-[s:SERVES]->(c:Customer) | {customer: c.id, value: s.annualValue}] AS served,
  size([(p)-[:INTEGRATES_WITH|IMPLEMENTS]->(o:Partner) | o.id]) AS integrations
