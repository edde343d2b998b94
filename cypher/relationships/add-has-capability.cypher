// Adds capability edges (level, certified) to partners whose memberships were
// just cleared in the same transaction: CREATE, because MERGE would scan the
// capability's many incoming edges.
// params: $rows [[from, to, source, updatedAt, level, certified]] (lists: see merge-serves)
// returns: count
UNWIND $rows AS row
MATCH (p:Partner {id: row[0]})
MATCH (c:Capability {id: row[1]})
CREATE (p)-[e:HAS_CAPABILITY]->(c)
SET e = {source: row[2], updatedAt: row[3], level: row[4], certified: row[5]}
RETURN count(*) AS count
