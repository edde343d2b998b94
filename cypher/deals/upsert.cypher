// Creates or replaces deals by id: the node's own properties (its customer,
// region, needs and partners are relationships, written separately).
// params: $rows [{id, props}] (props include id)
// returns: count
UNWIND $rows AS row
MERGE (n:Deal {id: row.id})
SET n = row.props
RETURN count(*) AS count
