// Every region, segment and capability, in one read: what a write's values are
// checked and spelled against. No range on `id` (as in the paged lists): on the
// embedded engine that predicate scans every node of the store.
// returns: kind, record
MATCH (n:Region)
RETURN 'regions' AS kind, n {.*} AS record
UNION ALL
MATCH (n:Segment)
RETURN 'segments' AS kind, n {.*} AS record
UNION ALL
MATCH (n:Capability)
RETURN 'capabilities' AS kind, n {.*} AS record
