// Points each alias id at the partner it was folded into: the index identity
// resolution looks aliases up by. A stale alias node (one the partner no
// longer lists) is ignored by the lookups, which check the partner's list.
// params: $rows [{alias, id}]
// returns: count
UNWIND $rows AS row
MERGE (a:PartnerAlias {id: row.alias})
SET a.of = row.id
RETURN count(*) AS count
