// Stored customers without a domain whose normalised name starts with one of
// these words (nameBlock): the candidates fuzzy name matching compares an
// incoming name with. An index seek per word, never a scan of every customer.
// params: $blocks [string]
// returns: record
UNWIND $blocks AS block
MATCH (c:Customer {nameBlock: block})
WHERE c.domain IS NULL
RETURN c {.id, .name, .domain, .aliases} AS record
