// Creates or updates a partner's capability edges (level, certified).
// params: $rows [{from, to, props}]
// returns: count
UNWIND $rows AS row
MATCH (p:Partner {id: row.from})
MATCH (c:Capability {id: row.to})
MERGE (p)-[e:HAS_CAPABILITY]->(c)
SET e = row.props
RETURN count(*) AS count
