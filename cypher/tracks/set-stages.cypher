// Puts partners at a stage of a program track; a track named for the first
// time becomes a node. `since` moves only when the stage changes.
// params: $rows [{partner, track, stage, since}]
// returns: count
// `since` is set before `stage` so that it compares with the stage held before.
UNWIND $rows AS row
MATCH (p:Partner {id: row.partner})
MERGE (t:Track {id: row.track})
MERGE (p)-[e:IN_TRACK]->(t)
ON CREATE SET e.stage = row.stage, e.since = row.since
ON MATCH SET e.since = CASE WHEN e.stage = row.stage THEN e.since ELSE row.since END, e.stage = row.stage
RETURN count(*) AS count
