// Customers by id (a batch of index seeks).
// params: $ids [string]
// returns: record
UNWIND $ids AS id
MATCH (c:Customer {id: id})
RETURN c {.*} AS record
