// One customer by id.
// params: $id
// returns: record
MATCH (c:Customer {id: $id})
RETURN c {.*} AS record
