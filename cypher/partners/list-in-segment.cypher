// A page of partners serving $segment, in id order, after the cursor id: it
// starts from the segment's partners and filters those alone. Starting from
// every partner, the embedded engine ran the membership subqueries for each:
// 0.6-0.7 s a page at 100,000 partners, 0.4 s from here for the generated
// ecosystem's largest segment (the page sorts its partners). Other null
// filters match everything; $q is lower case. (list-by-fields.cypher serves
// pages without a membership filter; GraphStore.listPartners picks the
// statement.)
// params: $after, $limit, $type, $tier, $stage, $region, $segment, $capability, $q
// returns: record, capabilities, regions, segments, lifecycle
MATCH (:Segment {id: $segment})<-[:SERVES_SEGMENT]-(p:Partner)
WHERE p.id > $after
  AND ($type IS NULL OR $type IN p.types)
  AND ($tier IS NULL OR p.tier = $tier)
  AND ($q IS NULL OR toLower(p.name) CONTAINS $q OR coalesce(p.domain, '') CONTAINS $q)
  AND ($stage IS NULL OR EXISTS { (p)-[:IN_TRACK {stage: $stage}]->(:Track) })
  AND ($region IS NULL OR EXISTS { (p)-[:OPERATES_IN]->(:Region {id: $region}) })
  AND ($capability IS NULL OR EXISTS { (p)-[:HAS_CAPABILITY]->(:Capability {id: $capability}) })
WITH p ORDER BY p.id LIMIT $limit
RETURN p {.*} AS record,
  [(p)-[c:HAS_CAPABILITY]->(cap:Capability) | {id: cap.id, level: c.level, certified: c.certified}] AS capabilities,
  [(p)-[:OPERATES_IN]->(r:Region) | r.id] AS regions,
  [(p)-[:SERVES_SEGMENT]->(s:Segment) | s.id] AS segments,
  [(p)-[e:IN_TRACK]->(t:Track) | {track: t.id, stage: e.stage}] AS lifecycle
