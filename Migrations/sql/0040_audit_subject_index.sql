-- A person's copy of their data (GET /v1/me/data) lists what was done about them and their
-- applications: looked up by subject, not by scanning the whole log.
CREATE INDEX audit_log_subject_idx ON audit_log (subject);
