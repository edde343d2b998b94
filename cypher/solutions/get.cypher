// One Solution by id with its partners and capabilities, or no row.
// params: $id
// returns: record, partners, capabilities
// Partners are matched from the solution: Grafeo plans a pattern from
// its first node, and starting at (p:Partner) scanned every partner per row.
MATCH (n:Solution {id: $id})
RETURN n {.*} AS record,
  [(n)<-[:CONTRIBUTES_TO]-(p:Partner) | p.id] AS partners,
  [(n)-[:PROVIDES]->(c:Capability) | c.id] AS capabilities
