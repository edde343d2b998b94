// The store's change counter (0 for a store never written) and its id (null before its first write).
// returns: version, storeId
OPTIONAL MATCH (m:Meta {key: 'store'})
RETURN coalesce(m.version, 0) AS version, m.storeId AS storeId
