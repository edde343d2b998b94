// Advances the store's change counter; run last in every write transaction.
// returns: version
MERGE (m:Meta {key: 'store'})
ON CREATE SET m.version = 1
ON MATCH SET m.version = m.version + 1
RETURN m.version AS version
