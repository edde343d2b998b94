// Partners' own properties by id, without memberships (the export reads those
// flat with partners/memberships-of: pattern comprehensions per row cost more).
// params: $ids [string]
// returns: record
UNWIND $ids AS id
MATCH (p:Partner {id: id})
RETURN p {.*} AS record
