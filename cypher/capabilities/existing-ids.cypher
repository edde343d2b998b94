// Which of the given ids are stored capabilities.
// params: $ids [string]
// returns: id
UNWIND $ids AS id
MATCH (n:Capability {id: id})
RETURN n.id AS id
