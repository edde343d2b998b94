// A page of review items in id order after the cursor id, of one status or (null) all.
// params: $status, $after, $limit
// returns: record
MATCH (r:IdentityReview)
WHERE r.id > $after AND ($status IS NULL OR r.status = $status)
WITH r ORDER BY r.id LIMIT $limit
RETURN r {.*} AS record
