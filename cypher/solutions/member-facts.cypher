// What validation reads of every partner that contributes to a solution:
// its name and types, its stage in each track, the regions it operates in,
// the capabilities it holds and the other members it integrates with or
// implements (either direction): only members, since a hub's other partners
// would be read by the thousand and never looked at.
// returns: id, name, types, stages, regions, capabilities, related
MATCH (:Solution)<-[:CONTRIBUTES_TO]-(p:Partner)
WITH DISTINCT p
RETURN p.id AS id, p.name AS name, p.types AS types,
  [(p)-[e:IN_TRACK]->(t:Track) | {track: t.id, stage: e.stage}] AS stages,
  [(p)-[:OPERATES_IN]->(r:Region) | r.id] AS regions,
  [(p)-[:HAS_CAPABILITY]->(c:Capability) | c.id] AS capabilities,
  [(p)-[:INTEGRATES_WITH|IMPLEMENTS]-(o:Partner) WHERE (o)-[:CONTRIBUTES_TO]->(:Solution) | o.id] AS related
