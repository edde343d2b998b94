// Schema for the embedded store (Grafeo). Grafeo's UNIQUE constraint builds
// no index, so MERGE on `id` would scan: every label gets an explicit index.
// Statements are separated by ";" and applied in order at start-up.
CREATE INDEX partner_id IF NOT EXISTS FOR (n:Partner) ON (n.id);
CREATE INDEX customer_id IF NOT EXISTS FOR (n:Customer) ON (n.id);
CREATE INDEX capability_id IF NOT EXISTS FOR (n:Capability) ON (n.id);
CREATE INDEX region_id IF NOT EXISTS FOR (n:Region) ON (n.id);
CREATE INDEX segment_id IF NOT EXISTS FOR (n:Segment) ON (n.id);
CREATE INDEX deal_id IF NOT EXISTS FOR (n:Deal) ON (n.id);
CREATE INDEX solution_id IF NOT EXISTS FOR (n:Solution) ON (n.id);
CREATE INDEX track_id IF NOT EXISTS FOR (n:Track) ON (n.id);
CREATE INDEX meta_key IF NOT EXISTS FOR (n:Meta) ON (n.key)
