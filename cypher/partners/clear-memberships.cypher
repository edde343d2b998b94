// Removes the capability, region and segment edges of the given partners,
// so that an upsert replaces a partner's memberships instead of adding to them.
// params: $ids [string]
// returns: count
UNWIND $ids AS id
MATCH (p:Partner {id: id})-[e:HAS_CAPABILITY|OPERATES_IN|SERVES_SEGMENT]->()
DELETE e
RETURN count(*) AS count
