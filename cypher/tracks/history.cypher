// Every lifecycle move of every partner, for the lifecycle funnel.
// returns: partner, track, transition
MATCH (p:Partner)-[:HAS_TRANSITION]->(x:LifecycleTransition)-[:ON_TRACK]->(t:Track)
RETURN p.id AS partner, t.id AS track, x {.*} AS transition
