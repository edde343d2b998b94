// The store's change counter (0 for a store never written).
// returns: version
OPTIONAL MATCH (m:Meta {key: 'store'})
RETURN coalesce(m.version, 0) AS version
