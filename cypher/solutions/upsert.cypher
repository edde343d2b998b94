// Creates or replaces solutions by id: the node's own properties (its
// partners and capabilities are relationships, written separately).
// params: $rows [{id, props}] (props include id)
// returns: count
UNWIND $rows AS row
MERGE (n:Solution {id: row.id})
SET n = row.props
RETURN count(*) AS count
