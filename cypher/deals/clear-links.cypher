// Removes the customer, region, need and participation edges of the given
// deals, so that an upsert replaces them instead of adding to them.
// params: $ids [string]
// returns: count
UNWIND $ids AS id
MATCH (d:Deal {id: id})-[e:FOR|IN_REGION|NEEDS|PARTICIPATES_IN]-()
DELETE e
RETURN count(*) AS count
