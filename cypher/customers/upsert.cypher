// Creates or replaces customers by id.
// params: $rows [[id, name, nameKey, nameBlock, domain, segment, industry, region, needs, sources, aliases]] (lists: see relationships/merge-serves; a null field is not stored)
// returns: count
UNWIND $rows AS row
MERGE (c:Customer {id: row[0]})
SET c = {id: row[0], name: row[1], nameKey: row[2], nameBlock: row[3], domain: row[4], segment: row[5], industry: row[6], region: row[7], needs: row[8], sources: row[9], aliases: row[10]}
RETURN count(*) AS count
