// Adds capability edges (level, certified) to partners whose memberships were
// just cleared in the same transaction: CREATE, because MERGE would scan the
// capability's many incoming edges.
// params: $rows [{from, to, props}]
// returns: count
UNWIND $rows AS row
MATCH (p:Partner {id: row.from})
MATCH (c:Capability {id: row.to})
CREATE (p)-[e:HAS_CAPABILITY]->(c)
SET e = row.props
RETURN count(*) AS count
