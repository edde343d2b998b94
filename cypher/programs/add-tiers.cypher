// Adds tiers to program tracks: (Track)-[:HAS_TIER]->(Tier {id, rank, name?, benefits, <requirement>...}).
// params: $rows [{track, props}]
// returns: count
UNWIND $rows AS row
MATCH (t:Track {id: row.track})
CREATE (t)-[:HAS_TIER]->(x:Tier)
SET x = row.props
RETURN count(*) AS count
