// Schema for Neo4j 5: a uniqueness constraint per label, which also backs
// MERGE on `id` with an index. Identity resolution looks partners and
// customers up by domain, normalised name (nameKey) and alias id (alias
// nodes: a list property has no index). Statements are separated by ";".
CREATE CONSTRAINT partner_id IF NOT EXISTS FOR (n:Partner) REQUIRE n.id IS UNIQUE;
CREATE INDEX partner_domain IF NOT EXISTS FOR (n:Partner) ON (n.domain);
CREATE INDEX partner_name_key IF NOT EXISTS FOR (n:Partner) ON (n.nameKey);
CREATE INDEX partner_name_block IF NOT EXISTS FOR (n:Partner) ON (n.nameBlock);
CREATE CONSTRAINT partner_alias_id IF NOT EXISTS FOR (n:PartnerAlias) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT customer_id IF NOT EXISTS FOR (n:Customer) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT identity_review_id IF NOT EXISTS FOR (n:IdentityReview) REQUIRE n.id IS UNIQUE;
CREATE INDEX identity_review_incoming IF NOT EXISTS FOR (n:IdentityReview) ON (n.incoming);
CREATE INDEX customer_domain IF NOT EXISTS FOR (n:Customer) ON (n.domain);
CREATE INDEX customer_name_key IF NOT EXISTS FOR (n:Customer) ON (n.nameKey);
CREATE INDEX customer_name_block IF NOT EXISTS FOR (n:Customer) ON (n.nameBlock);
CREATE CONSTRAINT customer_alias_id IF NOT EXISTS FOR (n:CustomerAlias) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT capability_id IF NOT EXISTS FOR (n:Capability) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT region_id IF NOT EXISTS FOR (n:Region) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT segment_id IF NOT EXISTS FOR (n:Segment) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT deal_id IF NOT EXISTS FOR (n:Deal) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT solution_id IF NOT EXISTS FOR (n:Solution) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT track_id IF NOT EXISTS FOR (n:Track) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT conflict_resolution_id IF NOT EXISTS FOR (n:ConflictResolution) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT meta_key IF NOT EXISTS FOR (n:Meta) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT audit_seq IF NOT EXISTS FOR (n:AuditEntry) REQUIRE n.seq IS UNIQUE
