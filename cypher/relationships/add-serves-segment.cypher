// Adds segment edges to partners whose memberships were just cleared in the
// same transaction (CREATE: see add-has-capability); a segment named for the
// first time becomes a node.
// params: $rows [{from, to, props}]
// returns: count
UNWIND $rows AS row
MATCH (p:Partner {id: row.from})
MERGE (s:Segment {id: row.to})
CREATE (p)-[e:SERVES_SEGMENT]->(s)
SET e = row.props
RETURN count(*) AS count
