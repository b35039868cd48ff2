-- A probe job run twice is recorded twice rather than refused by a key: the chaos bench and the
-- crash tests count doubled effects, and a primary key would have turned a double run into a
-- failed one that nobody counts.
ALTER TABLE queue_probes DROP CONSTRAINT queue_probes_pkey;
CREATE INDEX queue_probes_job ON queue_probes (job_id);
