// What identity resolution matches on, for the stored customers an incoming
// batch can match: by id or alias id ($ids), by domain ($domains), or, for
// customers without a domain, by normalised name ($names). Index seeks only.
// params: $ids [string], $domains [string], $names [string]
// returns: record
UNWIND $ids AS id
MATCH (c:Customer {id: id})
RETURN c {.id, .name, .domain, .aliases} AS record
UNION
UNWIND $ids AS id
MATCH (a:CustomerAlias {id: id})
WITH id, a.of AS kept
MATCH (c:Customer {id: kept})
WHERE id IN c.aliases
RETURN c {.id, .name, .domain, .aliases} AS record
UNION
UNWIND $domains AS domain
MATCH (c:Customer {domain: domain})
RETURN c {.id, .name, .domain, .aliases} AS record
UNION
UNWIND $names AS nameKey
MATCH (c:Customer {nameKey: nameKey})
WHERE c.domain IS NULL
RETURN c {.id, .name, .domain, .aliases} AS record
