// A filtered page of partners in id order, after the cursor id.
// Null filters match everything; $q is lower case.
// params: $after, $limit, $type, $tier, $stage, $region, $segment, $capability, $q
// returns: record, capabilities, regions, segments, lifecycle
MATCH (p:Partner)
WHERE p.id > $after
  AND ($type IS NULL OR $type IN p.types)
  AND ($tier IS NULL OR p.tier = $tier)
  AND ($stage IS NULL OR EXISTS { (p)-[:IN_TRACK {stage: $stage}]->(:Track) })
  AND ($q IS NULL OR toLower(p.name) CONTAINS $q OR coalesce(p.domain, '') CONTAINS $q)
  AND ($region IS NULL OR EXISTS { (p)-[:OPERATES_IN]->(:Region {id: $region}) })
  AND ($segment IS NULL OR EXISTS { (p)-[:SERVES_SEGMENT]->(:Segment {id: $segment}) })
  AND ($capability IS NULL OR EXISTS { (p)-[:HAS_CAPABILITY]->(:Capability {id: $capability}) })
WITH p ORDER BY p.id LIMIT $limit
RETURN p {.*} AS record,
  [(p)-[c:HAS_CAPABILITY]->(cap:Capability) | {id: cap.id, level: c.level, certified: c.certified}] AS capabilities,
  [(p)-[:OPERATES_IN]->(r:Region) | r.id] AS regions,
  [(p)-[:SERVES_SEGMENT]->(s:Segment) | s.id] AS segments,
  [(p)-[e:IN_TRACK]->(t:Track) | {track: t.id, stage: e.stage}] AS lifecycle
