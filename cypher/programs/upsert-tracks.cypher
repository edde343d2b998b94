// Defines program tracks: the track node (shared with partners' IN_TRACK) takes
// the programme's properties, replacing any it had.
// params: $rows [{id, props}] (props: inProgram, name?, partnerTypes, benefits, protectionDays?, <stage>StallDays?)
// returns: count
UNWIND $rows AS row
MERGE (t:Track {id: row.id})
SET t = row.props, t.id = row.id
RETURN count(*) AS count
