// Creates or updates SERVES relationships from partners to customers; one per role.
// params: $rows [{from, to, role, props}] (props include role)
// returns: count
// Written from the customer: Grafeo checks a MERGE through the relationships
// of the first node it names, and a customer has a handful where a hub
// partner has tens of thousands (5,000 rows: 100 ms this way, 25 s the other).
UNWIND $rows AS row
MATCH (c:Customer {id: row.to})
MATCH (a:Partner {id: row.from})
MERGE (c)<-[e:SERVES {role: row.role}]-(a)
SET e = row.props
RETURN count(*) AS count
