-- Enqueue from SQL, for triggers: a row written anywhere can set off a job in the same
-- transaction without a round trip. Same rules as JobQueueClient.enqueue: the stored unique key
-- is '<kind>:<key>', a second enqueue with it is a no-op, a future run_at waits as scheduled,
-- and the insert trigger wakes the workers of an available job's queue.
CREATE FUNCTION jobqueue_enqueue(queue text, kind text, args jsonb, run_at timestamptz DEFAULT now(),
                                 unique_key text DEFAULT NULL, max_attempts smallint DEFAULT 20)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO jobs (queue, kind, args, state, run_at, max_attempts, unique_key)
    VALUES (queue, kind, args,
            (CASE WHEN run_at > now() THEN 'scheduled' ELSE 'available' END)::job_state,
            greatest(run_at, now()), max_attempts, kind || ':' || unique_key)
    ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL DO NOTHING
$$;
