// Which of the given ids are stored customers.
// params: $ids [string]
// returns: id
UNWIND $ids AS id
MATCH (c:Customer {id: id})
RETURN c.id AS id
