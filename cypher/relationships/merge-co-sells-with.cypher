// Creates or updates CO_SELLS_WITH relationships between partners.
// params: $rows [{from, to, props}]
// returns: count
// Written from the target, like merge-serves: Grafeo checks a MERGE through
// the relationships of the first node it names, and the target is the partner
// being integrated with, resold or referred to, one among the source's many.
UNWIND $rows AS row
MATCH (b:Partner {id: row.to})
MATCH (a:Partner {id: row.from})
MERGE (b)<-[e:CO_SELLS_WITH]-(a)
SET e = row.props
RETURN count(*) AS count
