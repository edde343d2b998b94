// Every solution with its current partners and its capabilities: what
// catalogue validation reads, in one statement.
// returns: record, partners, capabilities
// Partners are matched from the solution: Grafeo plans a pattern from
// its first node, and starting at (p:Partner) scanned every partner per row.
MATCH (s:Solution)
RETURN s {.*} AS record,
  [(s)<-[:CONTRIBUTES_TO]-(p:Partner) | p.id] AS partners,
  [(s)-[:PROVIDES]->(c:Capability) | c.id] AS capabilities
