// A page of solutions in id order, after the cursor id, with their partners and capabilities.
// params: $after, $limit
// returns: record, partners, capabilities
// Partners are matched from the solution: Grafeo plans a pattern from
// its first node, and starting at (p:Partner) scanned every partner per row.
MATCH (n:Solution)
WHERE n.id > $after
WITH n ORDER BY n.id LIMIT $limit
RETURN n {.*} AS record,
  [(n)<-[:CONTRIBUTES_TO]-(p:Partner) | p.id] AS partners,
  [(n)-[:PROVIDES]->(c:Capability) | c.id] AS capabilities
