// Takes partners out of every track they are no longer in, so that an upsert
// replaces a partner's lifecycle instead of adding to it.
// params: $rows [{partner, tracks}]
// returns: count
UNWIND $rows AS row
MATCH (p:Partner {id: row.partner})-[e:IN_TRACK]->(t:Track)
WHERE NOT t.id IN row.tracks
DELETE e
RETURN count(*) AS count
