// Creates or replaces partners by id (memberships are written separately).
// params: $rows [{id, props}] (props include id)
// returns: count
UNWIND $rows AS row
MERGE (p:Partner {id: row.id})
SET p = row.props
RETURN count(*) AS count
