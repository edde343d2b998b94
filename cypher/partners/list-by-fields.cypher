// A page of partners in id order, after the cursor id, filtered on their own
// fields only (the list-in-/list-with-/list-at- statements also filter on
// memberships): the embedded engine ran the membership EXISTS subqueries for
// every partner even when their filters are null, 0.6 s a page at 100,000
// partners against 35 ms here. Null filters match everything; $q is lower
// case.
// params: $after, $limit, $type, $tier, $q
// returns: record, capabilities, regions, segments, lifecycle
MATCH (p:Partner)
WHERE p.id > $after
  AND ($type IS NULL OR $type IN p.types)
  AND ($tier IS NULL OR p.tier = $tier)
  AND ($q IS NULL OR toLower(p.name) CONTAINS $q OR coalesce(p.domain, '') CONTAINS $q)
WITH p ORDER BY p.id LIMIT $limit
RETURN p {.*} AS record,
  [(p)-[c:HAS_CAPABILITY]->(cap:Capability) | {id: cap.id, level: c.level, certified: c.certified}] AS capabilities,
  [(p)-[:OPERATES_IN]->(r:Region) | r.id] AS regions,
  [(p)-[:SERVES_SEGMENT]->(s:Segment) | s.id] AS segments,
  [(p)-[e:IN_TRACK]->(t:Track) | {track: t.id, stage: e.stage}] AS lifecycle
