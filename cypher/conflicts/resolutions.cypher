// Every stored conflict resolution: the conflict as it stood (JSON) and the
// audit (its before and after claims as JSON; Neo4j stores no maps).
// returns: id, base, conflict, policy, note, actor, at, before, after
MATCH (r:ConflictResolution)
RETURN r.id AS id, r.base AS base, r.conflict AS conflict, r.policy AS policy, r.note AS note,
  r.actor AS actor, r.at AS at, r.before AS before, r.after AS after
