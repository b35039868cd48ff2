-- A standalone enqueue wakes the workers itself, after its commit (JobQueueClient.enqueue), and
-- tells the insert trigger so with the transaction-local setting `jobqueue.wake`.
--
-- Why: a transaction that NOTIFYs holds one cluster-wide lock from its commit until its WAL is
-- flushed, so notifying commits cannot share an fsync. When fsyncs turn slow for a moment,
-- enqueues queued behind that lock and went through one slow fsync at a time (the server log
-- showed 18 waiting, then taking the lock 5–12 ms apart), which stretched a short stall into a
-- long one. A standalone enqueue now commits without NOTIFY, sharing fsyncs with every other
-- commit, and sends its wake-up from a transaction that does not wait for the flush, holding the
-- lock for microseconds. Enqueues inside a caller's transaction (and jobqueue_enqueue from
-- triggers) still notify from the trigger: their caller's commit is the moment the jobs exist.
CREATE OR REPLACE FUNCTION jobs_notify_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('jobqueue.wake', true) = 'after_commit' THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify('jobqueue', 'q:' || queue)
    FROM (SELECT DISTINCT queue FROM inserted_jobs WHERE state = 'available') AS q;
    RETURN NULL;
END
$$;
