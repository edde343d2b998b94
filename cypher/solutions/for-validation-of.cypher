// The given solutions with their current partners and capabilities:
// for-validation.cypher for the solutions a write touched.
// params: $ids [string]
// returns: record, partners, capabilities
UNWIND $ids AS id
MATCH (s:Solution {id: id})
RETURN s {.*} AS record,
  [(s)<-[:CONTRIBUTES_TO]-(p:Partner) | p.id] AS partners,
  [(s)-[:PROVIDES]->(c:Capability) | c.id] AS capabilities
