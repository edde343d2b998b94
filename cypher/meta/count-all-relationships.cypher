// Every relationship the store holds, for health. Counted without grouping by type, which took 12 s at 100,000 partners
// (memberships, lifecycle moves, deal and solution links included).
// returns: relationships
MATCH ()-[e]->()
RETURN count(e) AS relationships
