// Creates or replaces partners by id (memberships are written separately).
// params: $rows [[id, name, nameKey, nameBlock, domain, types, tier, country, size, revenue, sources, aliases]] (lists: see relationships/merge-serves; a null field is not stored)
// returns: count
UNWIND $rows AS row
MERGE (p:Partner {id: row[0]})
SET p = {id: row[0], name: row[1], nameKey: row[2], nameBlock: row[3], domain: row[4], types: row[5], tier: row[6], country: row[7], size: row[8], revenue: row[9], sources: row[10], aliases: row[11]}
RETURN count(*) AS count
