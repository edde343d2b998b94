// Every relationship of one partner with another partner, a customer or a
// membership node, both directions, with the node at the other end (deals,
// solutions and tracks have their own reads).
// params: $id
// returns: id, label, name, type, outgoing, properties
MATCH (p:Partner {id: $id})-[e:INTEGRATES_WITH|IMPLEMENTS|RESELLS|REFERS_TO|CO_SELLS_WITH|SERVES|HAS_CAPABILITY|OPERATES_IN|SERVES_SEGMENT]-(o)
RETURN o.id AS id, head(labels(o)) AS label, coalesce(o.name, o.id) AS name,
  type(e) AS type, startNode(e) = p AS outgoing, e {.*} AS properties
