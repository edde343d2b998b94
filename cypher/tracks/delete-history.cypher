// Deletes the lifecycle moves of the given partners: before their history is
// replaced, and with the partner when it is deleted.
// params: $ids [string]
// returns: count
UNWIND $ids AS id
MATCH (:Partner {id: id})-[:HAS_TRANSITION]->(x:LifecycleTransition)
DETACH DELETE x
RETURN count(*) AS count
