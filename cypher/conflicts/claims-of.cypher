// Every partner's claim on the given deals, as the resolving transaction sees it.
// params: $deals [string]
// returns: deal, partner, role, claimedShare, registeredAt
UNWIND $deals AS id
MATCH (d:Deal {id: id})<-[e:PARTICIPATES_IN]-(p:Partner)
RETURN d.id AS deal, p.id AS partner, e.role AS role, e.claimedShare AS claimedShare, e.registeredAt AS registeredAt
