// Sets what partners share with partners they do not name: a loop on the
// partner itself, so that rewriting the partner's properties keeps it and
// deleting the partner removes it.
// params: $rows [{partner, level}]
// returns: count
UNWIND $rows AS row
MATCH (p:Partner {id: row.partner})
MERGE (p)-[e:SHARES_BY_DEFAULT]->(p)
SET e.level = row.level
RETURN count(*) AS count
