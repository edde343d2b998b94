// A page of audit entries, newest first, numbered below the cursor's entry,
// filtered by who (key id or name), entity type, an id named or written, and
// time (ISO timestamps in UTC compare as strings); a null filter is off.
// params: $before, $limit, $actor, $entity, $id, $since, $until
// returns: entry, seq
MATCH (a:AuditEntry)
WHERE a.seq < $before
  AND ($actor IS NULL OR a.actor = $actor OR a.actorName = $actor)
  AND ($entity IS NULL OR $entity IN a.entities)
  AND ($id IS NULL OR $id IN a.idsBefore OR $id IN a.idsAfter)
  AND ($since IS NULL OR a.at >= $since)
  AND ($until IS NULL OR a.at <= $until)
WITH a ORDER BY a.seq DESC LIMIT $limit
RETURN a {.*} AS entry, a.seq AS seq
