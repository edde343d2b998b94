// Deletes one Solution and its relationships.
// params: $id
// returns: id
MATCH (n:Solution {id: $id})
WITH n, n.id AS id
DETACH DELETE n
RETURN id
