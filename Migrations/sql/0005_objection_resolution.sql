-- How an institution handled an objection, kept with it rather than in the audit log, whose
-- entries name actions, not what people wrote.
ALTER TABLE objections ADD COLUMN resolution text, ADD COLUMN handled_at timestamptz;
