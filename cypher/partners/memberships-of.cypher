// The memberships of the given partners, one row each: capabilities (with
// level and certification), regions, segments and track stages.
// params: $ids [string]
// returns: partner, kind, target, level, certified, stage
UNWIND $ids AS id
MATCH (p:Partner {id: id})-[m:HAS_CAPABILITY|OPERATES_IN|SERVES_SEGMENT|IN_TRACK]->(x)
RETURN id AS partner, type(m) AS kind, x.id AS target, m.level AS level, m.certified AS certified, m.stage AS stage
