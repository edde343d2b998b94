// Deletes one partner and all its relationships.
// params: $id
// returns: id
MATCH (p:Partner {id: $id})
WITH p, p.id AS id
DETACH DELETE p
RETURN id
