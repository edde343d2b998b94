// One Solution by id with its partners and capabilities, or no row.
// params: $id
// returns: record, partners, capabilities
MATCH (n:Solution {id: $id})
RETURN n {.*} AS record,
  [(p:Partner)-[:CONTRIBUTES_TO]->(n) | p.id] AS partners,
  [(n)-[:PROVIDES]->(c:Capability) | c.id] AS capabilities
