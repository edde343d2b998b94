// Queues uncertain identity matches (same name, no domain) for a person to decide.
// params: $rows [{id, props}] (props include id, kind, incoming, candidate, status)
// returns: count
UNWIND $rows AS row
MERGE (r:IdentityReview {id: row.id})
SET r = row.props
RETURN count(*) AS count
