// Sets what one partner shares with another.
// params: $rows [{partner, other, level}]
// returns: count
UNWIND $rows AS row
MATCH (p:Partner {id: row.partner})
MATCH (o:Partner {id: row.other})
MERGE (p)-[e:SHARES]->(o)
SET e.level = row.level
RETURN count(*) AS count
