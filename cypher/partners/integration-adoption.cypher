// How many technology partners there are, and how many of them have an
// INTEGRATES_WITH or IMPLEMENTS relationship with another partner (either way).
// returns: technology, integrated
MATCH (p:Partner)
WHERE 'technology' IN p.types
RETURN count(p) AS technology,
  sum(CASE WHEN EXISTS { (p)-[:INTEGRATES_WITH|IMPLEMENTS]-(:Partner) } THEN 1 ELSE 0 END) AS integrated
