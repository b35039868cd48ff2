-- A running job reports how far it is (a percentage and a short message) and structured metadata
-- (string keys and values), written outside its transaction so that they show while it runs. All
-- three are NULL until reported, so the jobs that never report (nearly all) store nothing more.
ALTER TABLE jobs
    ADD COLUMN progress         smallint CHECK (progress BETWEEN 0 AND 100),
    ADD COLUMN progress_message text     CHECK (char_length(progress_message) <= 200),
    ADD COLUMN meta             jsonb;
