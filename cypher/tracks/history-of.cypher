// The lifecycle moves of the given partners: for the export, and for the lifecycle
// funnel (every partner a window of ids at a time, and the partners a write touched).
// params: $ids [string]
// returns: partner, track, transition
UNWIND $ids AS id
MATCH (p:Partner {id: id})-[:HAS_TRANSITION]->(x:LifecycleTransition)-[:ON_TRACK]->(t:Track)
RETURN p.id AS partner, t.id AS track, x {.*} AS transition
