// One partner's lifecycle: its stage and since per track, and every move it made.
// params: $id
// returns: stages, history
MATCH (p:Partner {id: $id})
RETURN [(p)-[e:IN_TRACK]->(t:Track) | {track: t.id, stage: e.stage, since: e.since}] AS stages,
  [(p)-[:HAS_TRANSITION]->(x:LifecycleTransition)-[:ON_TRACK]->(t:Track) | x {.*, track: t.id}] AS history
