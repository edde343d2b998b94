// Every relationship of one partner with another partner, a customer or a
// membership node, both directions, with the node at the other end (deals,
// solutions and tracks have their own reads).
// params: $id
// The relationship's properties come as columns, not as a map (e {.*}): for a
// hub of 7,303 relationships the embedded engine took 113 + 35 ms with the map
// and 69 + 15 ms with columns (run, then rows).
// returns: id, label, name, type, outgoing, role, since, annualValue, source, updatedAt, level, certified
MATCH (p:Partner {id: $id})-[e:INTEGRATES_WITH|IMPLEMENTS|RESELLS|REFERS_TO|CO_SELLS_WITH|SERVES|HAS_CAPABILITY|OPERATES_IN|SERVES_SEGMENT]-(o)
RETURN o.id AS id, head(labels(o)) AS label, coalesce(o.name, o.id) AS name,
  type(e) AS type, startNode(e) = p AS outgoing, e.role AS role, e.since AS since, e.annualValue AS annualValue,
  e.source AS source, e.updatedAt AS updatedAt, e.level AS level, e.certified AS certified
