// Whether a conflict instance is already resolved: read inside the resolving
// transaction, so that two resolves of one conflict cannot both write.
// params: $id
// returns: id
MATCH (r:ConflictResolution {id: $id})
RETURN r.id AS id
