// Sets the normalised name identity resolution looks partners up by.
// params: $rows [{id, nameKey}]
// returns: count
UNWIND $rows AS row
MATCH (p:Partner {id: row.id})
SET p.nameKey = row.nameKey
RETURN count(*) AS count
