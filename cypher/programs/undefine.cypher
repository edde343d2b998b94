// Takes a track out of the programme: its properties go, the node stays while
// partners' stages and moves point at it.
// params: $id
// returns: id
MATCH (t:Track {id: $id})
WHERE t.inProgram = true
SET t = {id: $id}
RETURN t.id AS id
