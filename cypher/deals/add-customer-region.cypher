// Links deals whose edges were just cleared in the same transaction to their
// customer and region; a region named for the first time becomes a node.
// params: $rows [{id, customer, region}]
// returns: count
UNWIND $rows AS row
MATCH (d:Deal {id: row.id})
MATCH (c:Customer {id: row.customer})
MERGE (r:Region {id: row.region})
CREATE (d)-[:FOR]->(c)
CREATE (d)-[:IN_REGION]->(r)
RETURN count(*) AS count
