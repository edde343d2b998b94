// The programme tracks with a deal-registration protection window that the
// partners of deals are in.
// returns: partner, track
// Matched from the deal: Grafeo plans a pattern from its first node.
MATCH (d:Deal)<-[:PARTICIPATES_IN]-(p:Partner)-[:IN_TRACK]->(t:Track)
WHERE t.protectionDays IS NOT NULL
RETURN DISTINCT p.id AS partner, t.id AS track
