// Points each alias id at the customer it was folded into: the index identity
// resolution looks aliases up by. A stale alias node (one the customer no
// longer lists) is ignored by the lookups, which check the customer's list.
// params: $rows [{alias, id}]
// returns: count
UNWIND $rows AS row
MERGE (a:CustomerAlias {id: row.alias})
SET a.of = row.id
RETURN count(*) AS count
