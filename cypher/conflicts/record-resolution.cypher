// Records a conflict resolution, linked to the deals it settled.
// params: $props (id, base, kind, policy, note?, actor, at, conflict, before, after), $deals [string]
// returns: count
CREATE (r:ConflictResolution)
SET r = $props
WITH r
UNWIND $deals AS id
MATCH (d:Deal {id: id})
CREATE (r)-[:RESOLVES]->(d)
RETURN count(*) AS count
