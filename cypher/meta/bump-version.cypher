// Advances the store's change counter; run last in every write transaction.
// The store id, set by the first write (or the first after an upgrade), tells this store's versions from those of a store wiped and refilled.
// params: $storeId
// returns: version, storeId
MERGE (m:Meta {key: 'store'})
ON CREATE SET m.version = 1, m.storeId = $storeId
ON MATCH SET m.version = m.version + 1, m.storeId = coalesce(m.storeId, $storeId)
RETURN m.version AS version, m.storeId AS storeId
