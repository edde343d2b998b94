// The lifecycle moves of the given partners: for the export, and for the lifecycle
// funnel (every partner a window of ids at a time, and the partners a write touched).
// params: $ids [string]
// A move's properties as flat columns: the engine gives them faster than x {.*}.
// returns: partner, track, at, from, to, reason, author
UNWIND $ids AS id
MATCH (p:Partner {id: id})-[:HAS_TRANSITION]->(x:LifecycleTransition)-[:ON_TRACK]->(t:Track)
RETURN p.id AS partner, t.id AS track, x.at AS at, x.from AS from, x.to AS to, x.reason AS reason, x.author AS author
