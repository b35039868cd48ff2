-- Objections are open to anyone, so they are limited: each carries its filer's contact (for the
-- institution's answer) and the client address it came from, for limits per address and per
-- application (AssessmentStore.fileObjection); and an institution can dismiss a flood of them in
-- one step, with a reason, so that spam cannot hold a round's finalization.
ALTER TABLE objections ADD COLUMN contact text;
ALTER TABLE objections ADD COLUMN client text NOT NULL DEFAULT '';
ALTER TABLE objections DROP CONSTRAINT objections_state_check;
ALTER TABLE objections ADD CONSTRAINT objections_state_check CHECK (state IN ('open', 'handled', 'dismissed'));
CREATE INDEX objections_client_idx ON objections (client, filed_at);
CREATE INDEX objections_application_idx ON objections (application_id, state);
