// The given partners' stages in every track, with their tier: what tier evaluation
// and the funnel start from, read for every partner a window of ids at a time,
// and for the partners a write touched.
// params: $ids [string]
// returns: partner, tier, track, stage, since
UNWIND $ids AS id
MATCH (p:Partner {id: id})-[e:IN_TRACK]->(t:Track)
RETURN p.id AS partner, p.tier AS tier, t.id AS track, e.stage AS stage, e.since AS since
