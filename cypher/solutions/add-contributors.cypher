// Adds the partners of solutions whose edges were just cleared in the same transaction.
// params: $rows [{solution, partner}]
// returns: count
UNWIND $rows AS row
MATCH (s:Solution {id: row.solution})
MATCH (p:Partner {id: row.partner})
CREATE (p)-[:CONTRIBUTES_TO]->(s)
RETURN count(*) AS count
