// Creates or replaces deals by id.
// params: $rows [{id, props}] (props include id)
// returns: count
UNWIND $rows AS row
MERGE (n:Deal {id: row.id})
SET n = row.props
RETURN count(*) AS count
