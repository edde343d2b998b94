// Customers by id (a batch of index seeks), as flat columns: the engine gives
// them several times faster than the node's property map (c {.*}).
// params: $ids [string]
// returns: aliases, domain, id, industry, name, needs, region, segment, sources
UNWIND $ids AS id
MATCH (c:Customer {id: id})
RETURN c.aliases AS aliases, c.domain AS domain, c.id AS id, c.industry AS industry, c.name AS name, c.needs AS needs, c.region AS region, c.segment AS segment, c.sources AS sources
