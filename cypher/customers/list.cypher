// A filtered page of customers in id order, after the cursor id. $q is lower case.
// params: $after, $limit, $region, $segment, $capability, $industry, $q
// returns: record
MATCH (c:Customer)
WHERE c.id > $after
  AND ($region IS NULL OR c.region = $region)
  AND ($segment IS NULL OR c.segment = $segment)
  AND ($industry IS NULL OR c.industry = $industry)
  AND ($capability IS NULL OR $capability IN c.needs)
  AND ($q IS NULL OR toLower(c.name) CONTAINS $q OR coalesce(c.domain, '') CONTAINS $q)
WITH c ORDER BY c.id LIMIT $limit
RETURN c {.*} AS record
