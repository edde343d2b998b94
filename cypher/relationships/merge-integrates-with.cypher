// Creates or updates INTEGRATES_WITH relationships between partners.
// params: $rows [{from, to, props}]
// returns: count
// Written from the target, like merge-serves: Grafeo checks a MERGE through
// the relationships of the first node it names; in a heavy-tailed ecosystem
// either end can be a hub, and the target is the one named by fewer rows.
UNWIND $rows AS row
MATCH (b:Partner {id: row.to})
MATCH (a:Partner {id: row.from})
MERGE (b)<-[e:INTEGRATES_WITH]-(a)
SET e = row.props
RETURN count(*) AS count
