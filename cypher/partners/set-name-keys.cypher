// Sets the normalised name identity resolution looks partners up by.
// params: $rows [{id, nameKey, nameBlock}]
// returns: count
UNWIND $rows AS row
MATCH (p:Partner {id: row.id})
SET p.nameKey = row.nameKey, p.nameBlock = row.nameBlock
RETURN count(*) AS count
