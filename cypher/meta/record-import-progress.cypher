// Records, in the same transaction as the batch, how far a batched import got.
// params: $importId, $batches
// returns: batches
MERGE (m:Meta {key: 'import'})
SET m.importId = $importId, m.batches = $batches
RETURN m.batches AS batches
