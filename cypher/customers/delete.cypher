// Deletes one customer and all its relationships.
// params: $id
// returns: id
MATCH (c:Customer {id: $id})
WITH c, c.id AS id
DETACH DELETE c
RETURN id
