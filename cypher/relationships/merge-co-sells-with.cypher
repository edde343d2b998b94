// Creates or updates CO_SELLS_WITH relationships between partners.
// params: $rows [[from, to, source, updatedAt]] (each row a list, not a map: see merge-serves)
// returns: count
// Written from the target, like merge-serves: Grafeo checks a MERGE through
// the relationships of the first node it names, and the target is the partner
// being integrated with, resold or referred to, one among the source's many.
UNWIND $rows AS row
MATCH (b:Partner {id: row[1]})
MATCH (a:Partner {id: row[0]})
MERGE (b)<-[e:CO_SELLS_WITH]-(a)
SET e = {source: row[2], updatedAt: row[3]}
RETURN count(*) AS count
