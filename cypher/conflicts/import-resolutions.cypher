// Records conflict resolutions from a bundle, each linked to the deals it
// settled that the store holds; one already recorded (same id) is replaced.
// The claimed shares they wrote arrive with the bundle's deals.
// params: $rows [{id, props, deals}] (props as record-resolution's)
// returns: count
UNWIND $rows AS row
MERGE (r:ConflictResolution {id: row.id})
SET r = row.props
WITH r, row
UNWIND row.deals AS deal
MATCH (d:Deal {id: deal})
MERGE (r)-[:RESOLVES]->(d)
RETURN count(*) AS count
