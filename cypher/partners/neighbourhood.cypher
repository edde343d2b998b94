// Every relationship of one partner, both directions, with the node at the other end.
// params: $id
// returns: id, label, name, type, outgoing, properties
MATCH (p:Partner {id: $id})-[e]-(o)
RETURN o.id AS id, head(labels(o)) AS label, coalesce(o.name, o.id) AS name,
  type(e) AS type, startNode(e) = p AS outgoing, e {.*} AS properties
