// Deletes the deals of one customer: run with the customer's deletion, since
// a deal is an opportunity at its customer and means nothing without it.
// params: $id
// returns: id
MATCH (d:Deal)-[:FOR]->(:Customer {id: $id})
WITH d, d.id AS id
DETACH DELETE d
RETURN id
