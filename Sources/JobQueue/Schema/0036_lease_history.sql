-- Each lease that ends badly (a failure, a timeout, a rescue) is kept with its attempt: who held
-- it and from when, beside the error, so a job's page shows where each attempt ran. The lease that
-- completes a job leaves its holder in `leased_by`. Nothing is written at the claim, whose speed is
-- the queue's. The four-argument jobs_append_error stays for processes of the previous version.
CREATE FUNCTION jobs_append_attempt(errors jsonb, attempt integer, message text, keep bigint, worker text, leased_at timestamptz)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(x.e ORDER BY x.i), '[]'::jsonb)
    FROM jsonb_array_elements(errors || jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
        'attempt', attempt, 'at', now(), 'error', message, 'worker', worker, 'leasedAt', leased_at)))) WITH ORDINALITY AS x(e, i)
    WHERE x.i > jsonb_array_length(errors) + 1 - keep
$$;
