// Which of the given ids are stored partners.
// params: $ids [string]
// returns: id
UNWIND $ids AS id
MATCH (p:Partner {id: id})
RETURN p.id AS id
