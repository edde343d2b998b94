// Creates or replaces capabilities by id.
// params: $rows [{id, props}] (props include id)
// returns: count
UNWIND $rows AS row
MERGE (n:Capability {id: row.id})
SET n = row.props
RETURN count(*) AS count
