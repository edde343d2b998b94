// Creates or updates CO_SELLS_WITH relationships between partners.
// params: $rows [{from, to, props}]
// returns: count
UNWIND $rows AS row
MATCH (a:Partner {id: row.from})
MATCH (b:Partner {id: row.to})
MERGE (a)-[e:CO_SELLS_WITH]->(b)
SET e = row.props
RETURN count(*) AS count
