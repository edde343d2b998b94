// Records one audited write, numbered by the audit counter, which advances in
// the same transaction (entries are numbered in commit order, without gaps).
// params: $at, $actor, $actorName, $method, $route, $entities, $idsBefore, $idsAfter, $idCount, $version
// returns: seq
MERGE (m:Meta {key: 'audit'})
ON CREATE SET m.seq = 1
ON MATCH SET m.seq = m.seq + 1
CREATE (a:AuditEntry {seq: m.seq, at: $at, actor: $actor, actorName: $actorName, method: $method, route: $route, entities: $entities, idsBefore: $idsBefore, idsAfter: $idsAfter, idCount: $idCount, version: $version})
RETURN a.seq AS seq
