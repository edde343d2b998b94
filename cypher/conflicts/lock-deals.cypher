// Takes the write locks of the given deals before a resolution reads their
// claims: on Neo4j (read committed) a second resolve of the same conflict
// then waits for the first to commit and sees its resolution. Writes nothing.
// params: $deals [string]
// returns: count
UNWIND $deals AS id
MATCH (d:Deal {id: id})
SET d.resolving = true
REMOVE d.resolving
RETURN count(*) AS count
