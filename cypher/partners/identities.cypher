// Everything identity resolution matches on, for every stored partner.
// returns: record
MATCH (p:Partner)
RETURN p {.id, .name, .domain, .aliases} AS record
