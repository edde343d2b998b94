// Deletes one Deal and its relationships.
// params: $id
// returns: id
MATCH (n:Deal {id: $id})
WITH n, n.id AS id
DETACH DELETE n
RETURN id
