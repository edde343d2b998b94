// Every program track, in id order.
// returns: id
MATCH (t:Track)
RETURN t.id AS id ORDER BY id
