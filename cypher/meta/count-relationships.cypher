// Relationship counts per type.
// returns: type, count
MATCH ()-[e]->()
RETURN type(e) AS type, count(*) AS count
