// Creates or replaces regions by id.
// params: $rows [{id, props}] (props include id)
// returns: count
UNWIND $rows AS row
MERGE (n:Region {id: row.id})
SET n = row.props
RETURN count(*) AS count
