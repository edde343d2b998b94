// What identity resolution matches on, for the stored partners an incoming
// batch can match: by id or alias id ($ids), by domain ($domains), or, for
// partners without a domain, by normalised name ($names). Index seeks only.
// params: $ids [string], $domains [string], $names [string]
// returns: record
UNWIND $ids AS id
MATCH (p:Partner {id: id})
RETURN p {.id, .name, .domain, .aliases} AS record
UNION
UNWIND $ids AS id
MATCH (a:PartnerAlias {id: id})
WITH id, a.of AS kept
MATCH (p:Partner {id: kept})
WHERE id IN p.aliases
RETURN p {.id, .name, .domain, .aliases} AS record
UNION
UNWIND $domains AS domain
MATCH (p:Partner {domain: domain})
RETURN p {.id, .name, .domain, .aliases} AS record
UNION
UNWIND $names AS nameKey
MATCH (p:Partner {nameKey: nameKey})
WHERE p.domain IS NULL
RETURN p {.id, .name, .domain, .aliases} AS record
