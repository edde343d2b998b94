// Puts partners at a stage of a program track (a track named for the first
// time becomes a node) and records moves as LifecycleTransition nodes.
// `record` is true or false when the caller knows whether the row is a move
// to record (from `previous`, the stage a given history left off at), null to
// record one when the stage changes (from the stage held before).
// `since` is when the partner reached its stage: it stays while the stage does.
// params: $rows [{partner, track, stage, since, author, record, previous}]
// returns: count
UNWIND $rows AS row
MATCH (p:Partner {id: row.partner})
MERGE (t:Track {id: row.track})
MERGE (p)-[e:IN_TRACK]->(t)
WITH p, t, e, row, e.stage AS before
SET e.since = CASE WHEN row.record IS NULL AND before = row.stage THEN e.since ELSE row.since END, e.stage = row.stage
WITH p, t, row, before
WHERE coalesce(row.record, before IS NULL OR before <> row.stage)
CREATE (p)-[:HAS_TRANSITION]->(x:LifecycleTransition {at: row.since, to: row.stage})-[:ON_TRACK]->(t)
SET x.from = CASE WHEN row.record IS NULL THEN before ELSE row.previous END, x.author = row.author
RETURN count(*) AS count
