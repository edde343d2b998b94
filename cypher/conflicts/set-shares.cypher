// Sets the claimed share of partners' parts in deals, as a resolution decided.
// params: $rows [{deal, partner, role, claimedShare}]
// returns: count
UNWIND $rows AS row
MATCH (d:Deal {id: row.deal})<-[e:PARTICIPATES_IN]-(p:Partner {id: row.partner})
WHERE e.role = row.role
SET e.claimedShare = row.claimedShare
RETURN count(*) AS count
