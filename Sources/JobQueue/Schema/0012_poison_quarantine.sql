-- Poison-job quarantine. A job whose handler kills its worker process (a trap, an out-of-memory
-- kill) is rescued when its lease runs out and claimed again, and would kill the next worker, and
-- the next: one stored value could take down the whole fleet. The coordinator counts the runs a
-- job lost with its worker, and once the job's kind allows no more (3 by default) it is discarded
-- as quarantined, with its arguments and errors kept for an operator to read and retry.
ALTER TABLE jobs ADD COLUMN worker_deaths smallint NOT NULL DEFAULT 0 CHECK (worker_deaths >= 0);
ALTER TABLE jobs ADD COLUMN quarantined_at timestamptz;
-- A job one death short of quarantine runs alone in its worker process: jobs that merely shared
-- a process with a poison job lose runs with it, and only alone can the blame be certain. So an
-- innocent job never reaches the limit, and a poison job reaches it by killing a worker alone.
ALTER TABLE jobs ADD COLUMN run_alone boolean NOT NULL DEFAULT false;

-- Metrics and the operators' lists find quarantined jobs without scanning finished ones.
CREATE INDEX jobs_quarantined_idx ON jobs (queue) WHERE quarantined_at IS NOT NULL;
-- Polls and lone claims find the jobs that must run alone without scanning the ready queue.
CREATE INDEX jobs_run_alone_idx ON jobs (queue, priority, run_at, id) WHERE state = 'available' AND run_alone;
