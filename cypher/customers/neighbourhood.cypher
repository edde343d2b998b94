// Every relationship of one customer with a partner (deals have their own reads).
// params: $id
// The relationship's properties as columns (see partners/neighbourhood).
// returns: id, label, name, type, outgoing, role, since, annualValue, source, updatedAt
MATCH (c:Customer {id: $id})<-[e:SERVES]-(o:Partner)
RETURN o.id AS id, head(labels(o)) AS label, coalesce(o.name, o.id) AS name,
  type(e) AS type, false AS outgoing, e.role AS role, e.since AS since, e.annualValue AS annualValue,
  e.source AS source, e.updatedAt AS updatedAt
