// Node counts per label, for health and import reports.
// returns: label, count
MATCH (n)
RETURN head(labels(n)) AS label, count(*) AS count
