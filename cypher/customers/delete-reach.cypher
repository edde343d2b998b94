// What a customer's deletion takes with it besides the customer: the partners
// that serve it and its deals (deleted with it), which the change log then
// marks touched instead of every record.
// params: $id
// returns: partners, deals
MATCH (c:Customer {id: $id})
RETURN [(c)--(p:Partner) | p.id] AS partners,
  [(c)--(d:Deal) | d.id] AS deals
