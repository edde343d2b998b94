// Deletes one Capability and its relationships.
// params: $id
// returns: id
MATCH (n:Capability {id: $id})
WITH n, n.id AS id
DETACH DELETE n
RETURN id
