// Removes the contributor and capability edges of the given solutions, so
// that an upsert replaces them instead of adding to them.
// params: $ids [string]
// returns: count
UNWIND $ids AS id
MATCH (s:Solution {id: id})-[e:CONTRIBUTES_TO|PROVIDES]-()
DELETE e
RETURN count(*) AS count
