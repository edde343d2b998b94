// Everything identity resolution matches on, for every stored customer.
// returns: record
MATCH (c:Customer)
RETURN c {.id, .name, .domain, .aliases} AS record
