// Every customer, in id order.
// returns: record
MATCH (c:Customer)
WITH c ORDER BY c.id
RETURN c {.*} AS record
