// Adds the partners of deals whose edges were just cleared in the same
// transaction, each with its role, claimed share and registration time.
// params: $rows [{deal, partner, props}] (props: role, claimedShare?, registeredAt?)
// returns: count
UNWIND $rows AS row
MATCH (d:Deal {id: row.deal})
MATCH (p:Partner {id: row.partner})
CREATE (p)-[e:PARTICIPATES_IN]->(d)
SET e = row.props
RETURN count(*) AS count
