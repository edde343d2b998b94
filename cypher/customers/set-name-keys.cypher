// Sets the normalised name identity resolution looks customers up by.
// params: $rows [{id, nameKey, nameBlock}]
// returns: count
UNWIND $rows AS row
MATCH (c:Customer {id: row.id})
SET c.nameKey = row.nameKey, c.nameBlock = row.nameBlock
RETURN count(*) AS count
