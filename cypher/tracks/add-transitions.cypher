// Adds recorded lifecycle moves: (Partner)-[:HAS_TRANSITION]->(LifecycleTransition)-[:ON_TRACK]->(Track).
// params: $rows [{partner, track, props}] (props: at, from?, to, reason?, author?)
// returns: count
UNWIND $rows AS row
MATCH (p:Partner {id: row.partner})
MERGE (t:Track {id: row.track})
CREATE (p)-[:HAS_TRANSITION]->(x:LifecycleTransition)-[:ON_TRACK]->(t)
SET x = row.props
RETURN count(*) AS count
