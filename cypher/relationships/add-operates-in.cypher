// Adds region edges to partners whose memberships were just cleared in the
// same transaction (CREATE: see add-has-capability); a region named for the
// first time becomes a node.
// params: $rows [{from, to, props}]
// returns: count
UNWIND $rows AS row
MATCH (p:Partner {id: row.from})
MERGE (r:Region {id: row.to})
CREATE (p)-[e:OPERATES_IN]->(r)
SET e = row.props
RETURN count(*) AS count
