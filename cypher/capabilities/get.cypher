// One Capability by id, or no row.
// params: $id
// returns: record
MATCH (n:Capability {id: $id})
RETURN n {.*} AS record
