// Records a person's decision on a review item.
// params: $id, $status, $at
// returns: record
MATCH (r:IdentityReview {id: $id})
SET r.status = $status, r.decidedAt = $at
RETURN r {.*} AS record
