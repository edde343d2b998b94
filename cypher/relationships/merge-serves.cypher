// Creates or updates SERVES relationships from partners to customers; one per role.
// params: $rows [{from, to, role, props}] (props include role)
// returns: count
UNWIND $rows AS row
MATCH (a:Partner {id: row.from})
MATCH (c:Customer {id: row.to})
MERGE (a)-[e:SERVES {role: row.role}]->(c)
SET e = row.props
RETURN count(*) AS count
