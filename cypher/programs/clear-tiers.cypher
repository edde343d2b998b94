// Deletes the tiers of the given tracks, before they are replaced or the track is undefined.
// params: $ids [string]
// returns: count
UNWIND $ids AS id
MATCH (:Track {id: id})-[:HAS_TIER]->(x:Tier)
DETACH DELETE x
RETURN count(*) AS count
