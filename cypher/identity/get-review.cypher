// One review item by id.
// params: $id
// returns: record
MATCH (r:IdentityReview {id: $id})
RETURN r {.*} AS record
