// Every partner's stage in every track, with its tier: what tier evaluation and the funnel start from.
// returns: partner, tier, track, stage, since
MATCH (p:Partner)-[e:IN_TRACK]->(t:Track)
RETURN p.id AS partner, p.tier AS tier, t.id AS track, e.stage AS stage, e.since AS since
