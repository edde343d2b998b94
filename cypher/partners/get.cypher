// One partner with its memberships, by id or by an alias id folded into it.
// params: $id
// returns: record, capabilities, regions, segments, lifecycle
MATCH (p:Partner)
WHERE p.id = $id
RETURN p {.*} AS record,
  [(p)-[c:HAS_CAPABILITY]->(cap:Capability) | {id: cap.id, level: c.level, certified: c.certified}] AS capabilities,
  [(p)-[:OPERATES_IN]->(r:Region) | r.id] AS regions,
  [(p)-[:SERVES_SEGMENT]->(s:Segment) | s.id] AS segments,
  [(p)-[e:IN_TRACK]->(t:Track) | {track: t.id, stage: e.stage}] AS lifecycle
