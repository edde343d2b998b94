// A page of solutions in id order, after the cursor id, with their partners and capabilities.
// params: $after, $limit
// returns: record, partners, capabilities
MATCH (n:Solution)
WHERE n.id > $after
WITH n ORDER BY n.id LIMIT $limit
RETURN n {.*} AS record,
  [(p:Partner)-[:CONTRIBUTES_TO]->(n) | p.id] AS partners,
  [(n)-[:PROVIDES]->(c:Capability) | c.id] AS capabilities
