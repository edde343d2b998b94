// Partners with their memberships, by id (a batch of index seeks).
// params: $ids [string]
// returns: record, capabilities, regions, segments, lifecycle
UNWIND $ids AS id
MATCH (p:Partner {id: id})
RETURN p {.*} AS record,
  [(p)-[c:HAS_CAPABILITY]->(cap:Capability) | {id: cap.id, level: c.level, certified: c.certified}] AS capabilities,
  [(p)-[:OPERATES_IN]->(r:Region) | r.id] AS regions,
  [(p)-[:SERVES_SEGMENT]->(s:Segment) | s.id] AS segments,
  [(p)-[e:IN_TRACK]->(t:Track) | {track: t.id, stage: e.stage}] AS lifecycle
