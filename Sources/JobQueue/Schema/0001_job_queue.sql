-- The generic job queue. Knows jobs, not assessments.

CREATE TYPE job_state AS ENUM (
    'available',  -- ready to be claimed now
    'scheduled',  -- waits for run_at (delayed or snoozed)
    'running',    -- claimed, under a lease
    'completed',
    'retryable',  -- failed, waits for its backoff to pass
    'discarded',  -- failed for the last time, or could not be run at all
    'cancelled'
);

CREATE TABLE jobs (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue               text        NOT NULL,
    kind                text        NOT NULL,
    args                jsonb       NOT NULL,
    priority            smallint    NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 9),
    state               job_state   NOT NULL,
    attempt             smallint    NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    max_attempts        smallint    NOT NULL DEFAULT 20 CHECK (max_attempts >= 1),
    run_at              timestamptz NOT NULL DEFAULT now(),
    lease_token         uuid,
    lease_deadline      timestamptz,
    leased_by           text,
    cancel_requested_at timestamptz,
    -- The last few errors only: a job that fails a thousand times must not grow a megabyte row.
    errors              jsonb       NOT NULL DEFAULT '[]',
    unique_key          text,
    inserted_at         timestamptz NOT NULL DEFAULT now(),
    attempted_at        timestamptz,
    finished_at         timestamptz,
    CHECK ((state = 'running') = (lease_token IS NOT NULL))
);

-- Claiming scans ready jobs only, in claim order; finished rows never enter this index.
CREATE INDEX jobs_ready_idx ON jobs (queue, priority, run_at, id) WHERE state = 'available';
-- Promotion of due delayed and retrying jobs.
CREATE INDEX jobs_waiting_idx ON jobs (run_at) WHERE state IN ('scheduled', 'retryable');
-- Rescue of expired leases. lease_deadline is deliberately not a key, so heartbeats stay HOT updates.
CREATE INDEX jobs_running_idx ON jobs (id) WHERE state = 'running';
-- Pruning of finished jobs by age. BRIN, not b-tree: every acknowledgement writes the newest
-- timestamp, and concurrent acknowledgers all inserting into a b-tree's rightmost leaf page made
-- completion ~25 % slower (measured with `assess bench queue`). Pruning is background work that
-- can afford BRIN's coarser scan.
CREATE INDEX jobs_finished_idx ON jobs USING brin (finished_at) WHERE state IN ('completed', 'cancelled', 'discarded');
-- A unique key already carries its window bucket (see JobQueueClient), so a plain unique index enforces it.
CREATE UNIQUE INDEX jobs_unique_key_idx ON jobs (unique_key) WHERE unique_key IS NOT NULL;

ALTER TABLE jobs SET (fillfactor = 80);

-- One wake-up per queue per inserting statement; PostgreSQL folds identical notifications of a
-- transaction into one, so a transaction that enqueues many times still wakes workers once.
CREATE FUNCTION jobs_notify_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('jobqueue', 'q:' || queue)
    FROM (SELECT DISTINCT queue FROM inserted_jobs WHERE state = 'available') AS q;
    RETURN NULL;
END
$$;

CREATE TRIGGER jobs_notify_inserted
    AFTER INSERT ON jobs
    REFERENCING NEW TABLE AS inserted_jobs
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_notify_inserted();
