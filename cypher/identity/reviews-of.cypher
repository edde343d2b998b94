// The review items, whatever their status, of these incoming partner or customer ids.
// params: $kind, $ids
// returns: record
UNWIND $ids AS id
MATCH (r:IdentityReview {incoming: id})
WHERE r.kind = $kind
RETURN r {.*} AS record
