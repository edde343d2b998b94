// One Deal by id, or no row.
// params: $id
// returns: record
MATCH (n:Deal {id: $id})
RETURN n {.*} AS record
