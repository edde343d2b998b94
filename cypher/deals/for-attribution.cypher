// Every deal with what attribution and reports read: its stage, amount, close
// date and partners, each with its role, registration time and partner types.
// returns: id, stage, amount, closedAt, partners
// Partners are matched from the deal: Grafeo plans a pattern from its first
// node, and starting at (p:Partner) scanned every partner per row.
MATCH (d:Deal)
RETURN d.id AS id, d.stage AS stage, d.amount AS amount, d.closedAt AS closedAt,
  [(d)<-[e:PARTICIPATES_IN]-(p:Partner) | {partner: p.id, role: e.role, registeredAt: e.registeredAt, types: p.types}] AS partners
