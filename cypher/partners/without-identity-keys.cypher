// Partners written before identity resolution looked names up by index (no
// nameKey yet), a batch at a time: what opening the store brings up to date.
// params: $limit
// returns: id, name, aliases
MATCH (p:Partner)
WHERE p.nameKey IS NULL OR p.nameBlock IS NULL
RETURN p.id AS id, p.name AS name, coalesce(p.aliases, []) AS aliases
LIMIT $limit
