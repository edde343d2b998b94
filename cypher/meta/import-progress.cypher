// How far the last batched import got.
// returns: importId, batches
OPTIONAL MATCH (m:Meta {key: 'import'})
RETURN m.importId AS importId, coalesce(m.batches, 0) AS batches
