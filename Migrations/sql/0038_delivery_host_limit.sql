-- However many workers run, one receiving host gets at most 16 notification deliveries at once
-- (each worker runs up to 16 on the notify queue): a receiver that slows down is not buried under
-- every worker's retries. Operators change or lift it with `assess jobs limit` or on /ops; this
-- only sets it where nobody has.
INSERT INTO job_limits (queue, kind, key_field, key_concurrency) VALUES ('notify', 'notify.deliver', 'host', 16)
ON CONFLICT (queue, kind) DO NOTHING;
