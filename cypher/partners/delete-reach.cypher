// What a partner's deletion takes with it besides the partner: the records at
// the other end of its relationships, which the change log then marks touched
// (their relationships, memberships and claims change) instead of every record.
// params: $id
// returns: partners, customers, deals, solutions
MATCH (p:Partner {id: $id})
RETURN [(p)--(q:Partner) | q.id] AS partners,
  [(p)--(c:Customer) | c.id] AS customers,
  [(p)--(d:Deal) | d.id] AS deals,
  [(p)--(s:Solution) | s.id] AS solutions
