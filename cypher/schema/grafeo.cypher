// Schema for the embedded store (Grafeo). Grafeo's UNIQUE constraint builds
// no index, so MERGE on `id` would scan: every label gets an explicit index.
// Identity resolution looks partners and customers up by domain, normalised
// name (nameKey) and alias id (alias nodes: a list property has no index).
// Statements are separated by ";" and applied in order at start-up.
CREATE INDEX partner_id IF NOT EXISTS FOR (n:Partner) ON (n.id);
CREATE INDEX partner_domain IF NOT EXISTS FOR (n:Partner) ON (n.domain);
CREATE INDEX partner_name_key IF NOT EXISTS FOR (n:Partner) ON (n.nameKey);
CREATE INDEX partner_name_block IF NOT EXISTS FOR (n:Partner) ON (n.nameBlock);
CREATE INDEX partner_alias_id IF NOT EXISTS FOR (n:PartnerAlias) ON (n.id);
CREATE INDEX customer_id IF NOT EXISTS FOR (n:Customer) ON (n.id);
CREATE INDEX customer_domain IF NOT EXISTS FOR (n:Customer) ON (n.domain);
CREATE INDEX customer_name_key IF NOT EXISTS FOR (n:Customer) ON (n.nameKey);
CREATE INDEX customer_name_block IF NOT EXISTS FOR (n:Customer) ON (n.nameBlock);
CREATE INDEX customer_alias_id IF NOT EXISTS FOR (n:CustomerAlias) ON (n.id);
CREATE INDEX identity_review_id IF NOT EXISTS FOR (n:IdentityReview) ON (n.id);
CREATE INDEX identity_review_incoming IF NOT EXISTS FOR (n:IdentityReview) ON (n.incoming);
CREATE INDEX capability_id IF NOT EXISTS FOR (n:Capability) ON (n.id);
CREATE INDEX region_id IF NOT EXISTS FOR (n:Region) ON (n.id);
CREATE INDEX segment_id IF NOT EXISTS FOR (n:Segment) ON (n.id);
CREATE INDEX deal_id IF NOT EXISTS FOR (n:Deal) ON (n.id);
CREATE INDEX solution_id IF NOT EXISTS FOR (n:Solution) ON (n.id);
CREATE INDEX track_id IF NOT EXISTS FOR (n:Track) ON (n.id);
CREATE INDEX conflict_resolution_id IF NOT EXISTS FOR (n:ConflictResolution) ON (n.id);
CREATE INDEX meta_key IF NOT EXISTS FOR (n:Meta) ON (n.key);
CREATE INDEX audit_seq IF NOT EXISTS FOR (n:AuditEntry) ON (n.seq)
