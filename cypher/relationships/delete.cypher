// Deletes the relationships of one type from a partner to another node (for SERVES, optionally one role).
// params: $from, $to, $type, $role
// returns: count
MATCH (a:Partner {id: $from})-[e]->(b)
WHERE b.id = $to AND type(e) = $type AND ($role IS NULL OR e.role = $role)
DELETE e
RETURN count(*) AS count
