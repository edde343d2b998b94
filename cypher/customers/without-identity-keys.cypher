// Customers written before identity resolution looked names up by index (no
// nameKey yet), a batch at a time: what opening the store brings up to date.
// params: $limit
// returns: id, name, aliases
MATCH (c:Customer)
WHERE c.nameKey IS NULL OR c.nameBlock IS NULL
RETURN c.id AS id, c.name AS name, coalesce(c.aliases, []) AS aliases
LIMIT $limit
