// Adds segment edges to partners whose memberships were just cleared in the
// same transaction (CREATE: see add-has-capability); a segment named for the
// first time becomes a node.
// params: $rows [[from, to, source, updatedAt]] (lists: see merge-serves)
// returns: count
UNWIND $rows AS row
MATCH (p:Partner {id: row[0]})
MERGE (s:Segment {id: row[1]})
CREATE (p)-[e:SERVES_SEGMENT]->(s)
SET e = {source: row[2], updatedAt: row[3]}
RETURN count(*) AS count
