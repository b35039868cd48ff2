-- Cron bookkeeping, worker pruning and queue statistics of the leading coordinator.

-- The next tick of each cron schedule. The leader enqueues a due tick's job and moves
-- next_tick_at in one transaction fenced by its term, so a tick fires once across failovers.
CREATE TABLE queue_cron (
    name         text PRIMARY KEY,
    expression   text        NOT NULL,
    time_zone    text        NOT NULL,
    next_tick_at timestamptz NOT NULL,
    last_tick_at timestamptz,
    last_job_id  bigint,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Counts by queue and state, and the oldest available job's age, as the leader last recorded them.
CREATE TABLE queue_stats (
    queue              text        NOT NULL,
    state              job_state   NOT NULL,
    jobs               bigint      NOT NULL,
    oldest_run_at      timestamptz,
    recorded_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (queue, state)
);

-- Pruning finds gone workers by when they were last seen.
CREATE INDEX queue_workers_gone_idx ON queue_workers (last_seen_at) WHERE state <> 'alive';
