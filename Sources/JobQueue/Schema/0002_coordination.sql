-- Coordination of the queue: the leader lease, registered workers, paused queues, cron ticks.

-- One row: who leads, under which term. The term only grows; every write a leader makes is
-- checked against it in the same transaction, so a leader that paused past its lease and woke
-- up cannot act.
CREATE TABLE queue_leader (
    id          smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    holder      text        NOT NULL,
    term        bigint      NOT NULL CHECK (term > 0),
    acquired_at timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);

-- Worker pools that said they are alive; the leader marks silent ones dead and rescues their jobs.
CREATE TABLE queue_workers (
    id           text PRIMARY KEY,
    host         text        NOT NULL,
    pid          integer     NOT NULL,
    queues       text[]      NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    stopped_at   timestamptz,
    state        text        NOT NULL DEFAULT 'alive' CHECK (state IN ('alive', 'stopped', 'dead'))
);

-- Queues an operator paused; workers stop claiming from them within a poll interval.
CREATE TABLE queue_pauses (
    queue     text PRIMARY KEY,
    paused_at timestamptz NOT NULL DEFAULT now()
);

-- Rescue looks up running jobs by their worker when the worker is found dead.
CREATE INDEX jobs_leased_by_idx ON jobs (leased_by) WHERE state = 'running';
DROP INDEX jobs_running_idx;

-- The bounded error history, shared by acknowledgement and rescue: the last `keep` entries.
CREATE FUNCTION jobs_append_error(errors jsonb, attempt integer, message text, keep bigint) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_agg(x.e ORDER BY x.i), '[]'::jsonb)
    FROM jsonb_array_elements(errors || jsonb_build_array(jsonb_build_object(
        'attempt', attempt, 'at', now(), 'error', message))) WITH ORDINALITY AS x(e, i)
    WHERE x.i > jsonb_array_length(errors) + 1 - keep
$$;

-- Probe jobs record their single run here: `assess jobs probe` lets an operator (and the crash
-- tests) check that every job of a deployment ran exactly once.
CREATE TABLE queue_probes (
    job_id bigint PRIMARY KEY,
    worker text        NOT NULL,
    ran_at timestamptz NOT NULL DEFAULT now()
);
