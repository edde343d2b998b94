// What validation reads of the given partners, those contributing to a
// solution: its name and types, its stage in each track, the regions it
// operates in, the capabilities it holds and the other members it integrates
// with or implements (either direction): only members, since a hub's other
// partners would be read by the thousand and never looked at. Read for every
// member a window at a time, and for the partners a write touched.
// params: $ids [string]
// returns: id, name, types, stages, regions, capabilities, related
UNWIND $ids AS id
MATCH (p:Partner {id: id})
WHERE (p)-[:CONTRIBUTES_TO]->(:Solution)
RETURN p.id AS id, p.name AS name, p.types AS types,
  [(p)-[e:IN_TRACK]->(t:Track) | {track: t.id, stage: e.stage}] AS stages,
  [(p)-[:OPERATES_IN]->(r:Region) | r.id] AS regions,
  [(p)-[:HAS_CAPABILITY]->(c:Capability) | c.id] AS capabilities,
  [(p)-[:INTEGRATES_WITH|IMPLEMENTS]-(o:Partner) WHERE (o)-[:CONTRIBUTES_TO]->(:Solution) | o.id] AS related
