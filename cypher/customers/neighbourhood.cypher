// Every relationship of one customer with a partner (deals have their own reads).
// params: $id
// returns: id, label, name, type, outgoing, properties
MATCH (c:Customer {id: $id})<-[e:SERVES]-(o:Partner)
RETURN o.id AS id, head(labels(o)) AS label, coalesce(o.name, o.id) AS name,
  type(e) AS type, false AS outgoing, e {.*} AS properties
