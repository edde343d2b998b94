// One Solution by id, or no row.
// params: $id
// returns: record
MATCH (n:Solution {id: $id})
RETURN n {.*} AS record
