// Partners' own properties by id, without memberships (the export reads those
// flat with partners/memberships-of: pattern comprehensions per row cost more),
// as flat columns: the engine gives them several times faster than p {.*}.
// params: $ids [string]
// returns: id, name, domain, types, tier, country, size, revenue, sources, aliases
UNWIND $ids AS id
MATCH (p:Partner {id: id})
RETURN p.id AS id, p.name AS name, p.domain AS domain, p.types AS types, p.tier AS tier, p.country AS country, p.size AS size, p.revenue AS revenue, p.sources AS sources, p.aliases AS aliases
