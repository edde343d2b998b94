// Creates or replaces customers by id.
// params: $rows [{id, props}] (props include id)
// returns: count
UNWIND $rows AS row
MERGE (c:Customer {id: row.id})
SET c = row.props
RETURN count(*) AS count
