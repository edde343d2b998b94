// Removes every sharing setting of the given partners (their levels and
// their default), so that writing settings replaces them.
// params: $ids [string]
// returns: count
UNWIND $ids AS id
MATCH (p:Partner {id: id})-[e:SHARES|SHARES_BY_DEFAULT]->()
DELETE e
RETURN count(*) AS count
