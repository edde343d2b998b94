// Stored partners without a domain whose normalised name starts with one of
// these words (nameBlock): the candidates fuzzy name matching compares an
// incoming name with. An index seek per word, never a scan of every partner.
// params: $blocks [string]
// returns: record
UNWIND $blocks AS block
MATCH (p:Partner {nameBlock: block})
WHERE p.domain IS NULL
RETURN p {.id, .name, .domain, .aliases} AS record
