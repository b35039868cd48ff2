-- Limits per queue and kind, kept by every worker without a dispatcher: at most `concurrency` of
-- the kind running anywhere, at most `key_concurrency` running per value of one top-level field of
-- the arguments (jobs without the field share the empty value), at most `rate_starts` starts in any
-- `rate_period_ms`. Kinds with no row here are claimed by the ordinary claim, which skips the
-- kinds that have one.
CREATE TABLE job_limits (
    queue           text        NOT NULL,
    kind            text        NOT NULL,
    concurrency     integer     CHECK (concurrency BETWEEN 1 AND 10000),
    key_field       text        CHECK (key_field ~ '^[A-Za-z_][A-Za-z0-9_]{0,62}$'),
    key_concurrency integer     CHECK (key_concurrency BETWEEN 1 AND 10000),
    rate_starts     integer     CHECK (rate_starts BETWEEN 1 AND 1000),
    rate_period_ms  integer     CHECK (rate_period_ms BETWEEN 1 AND 86400000),
    -- The start times of the last `rate_starts` claims, oldest first: a sliding window, so no
    -- interval of `rate_period_ms` anywhere holds more starts, not only the aligned ones.
    recent_starts   timestamptz[] NOT NULL DEFAULT '{}',
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (queue, kind),
    CHECK ((key_field IS NULL) = (key_concurrency IS NULL)),
    CHECK ((rate_starts IS NULL) = (rate_period_ms IS NULL)),
    CHECK (concurrency IS NOT NULL OR key_field IS NOT NULL OR rate_starts IS NOT NULL)
);

-- Claims up to `wanted` available jobs of one limited kind within its limits, for the claim of
-- `token`. The limit row is locked for the length of this one call, so claimers of the kind take
-- turns; every later statement here reads a fresh snapshot, which holds the claims of the call
-- before, so the running jobs are counted, never remembered in a counter that a crash could leave
-- wrong. A job finishing in a transaction not yet committed still counts: a limit errs on the safe
-- side. Nothing is held once the call returns.
--
-- The start time is taken after the lock and written as `attempted_at`, so the starts recorded in
-- `jobs` show the limits as they were enforced. A rate-limited call that may start nothing returns
-- one row without a job, with the milliseconds until the window allows the next start.
CREATE FUNCTION jobs_claim_limited(p_queue text, p_kind text, p_wanted integer, p_lease_ms bigint,
                                   p_worker text, p_token uuid, p_suspects boolean)
RETURNS TABLE (job_id bigint, job_kind text, job_args text, job_attempt integer, job_max_attempts integer, wait_ms integer)
LANGUAGE plpgsql AS $$
DECLARE
    lim job_limits;
    started_at timestamptz;
    free integer := p_wanted;
    window_starts timestamptz[];
    key_running jsonb := '{}';
    saturated text[] := '{}';
    candidate record;
    chosen bigint[];
    skipped boolean;
    fetched integer;
    claimed integer := 0;
BEGIN
    SELECT * INTO lim FROM job_limits l WHERE l.queue = p_queue AND l.kind = p_kind FOR UPDATE;
    IF NOT FOUND OR EXISTS (SELECT 1 FROM queue_pauses qp WHERE qp.queue = p_queue) THEN
        RETURN;
    END IF;
    started_at := clock_timestamp();
    IF lim.concurrency IS NOT NULL THEN
        free := least(free, lim.concurrency - (
            SELECT count(*) FROM jobs j WHERE j.state = 'running' AND j.queue = p_queue AND j.kind = p_kind)::integer);
    END IF;
    IF lim.rate_starts IS NOT NULL THEN
        window_starts := ARRAY(
            SELECT s FROM unnest(lim.recent_starts) AS s
            WHERE s > started_at - lim.rate_period_ms * interval '1 millisecond' ORDER BY s);
        IF cardinality(window_starts) >= lim.rate_starts THEN
            -- The start that leaves the window first makes room for the next.
            job_id := NULL;
            wait_ms := greatest(1, ceil(extract(epoch FROM
                window_starts[cardinality(window_starts) - lim.rate_starts + 1]
                + lim.rate_period_ms * interval '1 millisecond' - started_at) * 1000))::integer;
            RETURN NEXT;
            RETURN;
        END IF;
        free := least(free, lim.rate_starts - cardinality(window_starts));
    END IF;
    IF free <= 0 THEN
        RETURN;
    END IF;

    IF lim.key_field IS NULL THEN
        RETURN QUERY
        UPDATE jobs j SET state = 'running', attempt = j.attempt + 1, attempted_at = started_at, lease_token = p_token,
            lease_deadline = started_at + p_lease_ms * interval '1 millisecond', leased_by = p_worker
        WHERE j.id = ANY(ARRAY(
            SELECT c.id FROM jobs c
            WHERE c.state = 'available' AND c.queue = p_queue AND c.kind = p_kind AND c.run_alone = p_suspects
            ORDER BY c.priority, c.run_at, c.id
            LIMIT free
            FOR UPDATE SKIP LOCKED))
        RETURNING j.id, j.kind, j.args::text, j.attempt::int4, j.max_attempts::int4, NULL::int4;
        GET DIAGNOSTICS claimed = ROW_COUNT;
    ELSE
        SELECT coalesce(jsonb_object_agg(r.k, r.n), '{}') INTO key_running FROM (
            SELECT coalesce(j.args ->> lim.key_field, '') AS k, count(*) AS n FROM jobs j
            WHERE j.state = 'running' AND j.queue = p_queue AND j.kind = p_kind GROUP BY 1) r;
        saturated := ARRAY(SELECT e.key FROM jsonb_each(key_running) AS e WHERE e.value::integer >= lim.key_concurrency);
        -- In claim order, past the jobs of keys at their limit. A round ends early when a key
        -- fills up; the next skips that key's jobs in the query itself, so a long run of jobs of
        -- one busy key costs one scan per round, not a turn of this loop per job.
        LOOP
            chosen := '{}';
            skipped := false;
            fetched := 0;
            FOR candidate IN
                SELECT c.id, coalesce(c.args ->> lim.key_field, '') AS k FROM jobs c
                WHERE c.state = 'available' AND c.queue = p_queue AND c.kind = p_kind AND c.run_alone = p_suspects
                  AND coalesce(c.args ->> lim.key_field, '') <> ALL(saturated)
                ORDER BY c.priority, c.run_at, c.id
                LIMIT free - claimed
                FOR UPDATE SKIP LOCKED
            LOOP
                fetched := fetched + 1;
                IF candidate.k = ANY(saturated) THEN
                    skipped := true;
                    CONTINUE;
                END IF;
                chosen := chosen || candidate.id;
                key_running := jsonb_set(key_running, ARRAY[candidate.k],
                    to_jsonb(coalesce((key_running ->> candidate.k)::integer, 0) + 1));
                IF (key_running ->> candidate.k)::integer >= lim.key_concurrency THEN
                    saturated := saturated || candidate.k;
                END IF;
            END LOOP;
            IF cardinality(chosen) > 0 THEN
                RETURN QUERY
                UPDATE jobs j SET state = 'running', attempt = j.attempt + 1, attempted_at = started_at, lease_token = p_token,
                    lease_deadline = started_at + p_lease_ms * interval '1 millisecond', leased_by = p_worker
                WHERE j.id = ANY(chosen)
                RETURNING j.id, j.kind, j.args::text, j.attempt::int4, j.max_attempts::int4, NULL::int4;
                claimed := claimed + cardinality(chosen);
            END IF;
            EXIT WHEN NOT skipped OR claimed >= free OR fetched = 0;
        END LOOP;
    END IF;

    IF lim.rate_starts IS NOT NULL AND claimed > 0 THEN
        UPDATE job_limits l SET recent_starts = (
            SELECT ARRAY(SELECT s FROM unnest(window_starts || array_fill(started_at, ARRAY[claimed])) WITH ORDINALITY AS x(s, i)
                         ORDER BY i DESC LIMIT lim.rate_starts))
        WHERE l.queue = p_queue AND l.kind = p_kind;
    END IF;
END
$$;
