// Adds the capabilities solutions provide, to solutions whose edges were just
// cleared in the same transaction (CREATE: see deals/add-needs).
// params: $rows [{solution, capability}]
// returns: count
UNWIND $rows AS row
MATCH (s:Solution {id: row.solution})
MATCH (c:Capability {id: row.capability})
CREATE (s)-[:PROVIDES]->(c)
RETURN count(*) AS count
