// Adds the capabilities deals need, to deals whose edges were just cleared in
// the same transaction (CREATE: MERGE would scan the capability's many edges).
// params: $rows [{deal, capability}]
// returns: count
UNWIND $rows AS row
MATCH (d:Deal {id: row.deal})
MATCH (c:Capability {id: row.capability})
CREATE (d)-[:NEEDS]->(c)
RETURN count(*) AS count
