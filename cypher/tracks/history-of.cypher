// The lifecycle moves of the given partners, for the export.
// params: $ids [string]
// returns: partner, track, transition
UNWIND $ids AS id
MATCH (p:Partner {id: id})-[:HAS_TRANSITION]->(x:LifecycleTransition)-[:ON_TRACK]->(t:Track)
RETURN p.id AS partner, t.id AS track, x {.*} AS transition
