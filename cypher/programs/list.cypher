// Every program track with its tiers, in id order.
// returns: track, tiers
MATCH (t:Track)
WHERE t.inProgram = true
WITH t ORDER BY t.id
RETURN t {.*} AS track, [(t)-[:HAS_TIER]->(x:Tier) | x {.*}] AS tiers
