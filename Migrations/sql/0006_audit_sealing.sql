-- Appending to the chain needed the chain's last entry, so every audited transaction held one
-- lock until it committed and all of them ran one at a time. Now a transaction only inserts its
-- entries here, unchained; a sealer chains them into audit_log in the order of their transaction
-- ids, and only entries of transactions older than every running one (below the snapshot's xmin):
-- no entry can appear later in front of a sealed one, so the chain's order is final when written.
CREATE TABLE audit_pending (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    txid    xid8        NOT NULL DEFAULT pg_current_xact_id(),
    at      timestamptz NOT NULL DEFAULT now(),
    actor   text        NOT NULL,
    action  text        NOT NULL,
    subject text        NOT NULL,
    detail  jsonb       NOT NULL
);
CREATE INDEX audit_pending_order ON audit_pending (txid, id);

-- Pending entries are not changed, and leave only through the sealer.
CREATE FUNCTION audit_pending_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('assess.audit_sealing', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'pending audit entries are append-only: only audit_seal() moves them into the chain';
END
$$;
CREATE TRIGGER audit_pending_guard BEFORE UPDATE OR DELETE ON audit_pending
    FOR EACH ROW EXECUTE FUNCTION audit_pending_guard();

-- Chains up to `batch` settled pending entries onto audit_log; returns how many it sealed.
-- Sealers take turns on an advisory lock; run it in a READ COMMITTED transaction, so that each
-- statement after the lock sees what the previous sealer committed.
CREATE FUNCTION audit_seal(batch integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    horizon   xid8;
    last_seq  bigint;
    last_hash bytea;
    previous  bytea;
    entry     audit_pending;
    last_key  audit_pending;
    sealed    integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(7022629598040910951);  -- 'audit_lg'
    horizon := pg_snapshot_xmin(pg_current_snapshot());
    SELECT seq, hash INTO last_seq, last_hash FROM audit_log ORDER BY seq DESC LIMIT 1;
    IF NOT FOUND THEN
        last_seq := 0;
        last_hash := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
    END IF;
    FOR entry IN SELECT * FROM audit_pending WHERE txid < horizon ORDER BY txid, id LIMIT batch LOOP
        last_seq := last_seq + 1;
        previous := last_hash;
        last_hash := audit_entry_hash(last_hash, last_seq, entry.at, entry.actor, entry.action, entry.subject, entry.detail);
        INSERT INTO audit_log (seq, at, actor, action, subject, detail, prev_hash, hash)
        VALUES (last_seq, entry.at, entry.actor, entry.action, entry.subject, entry.detail,
                previous, last_hash);
        last_key := entry;
        sealed := sealed + 1;
    END LOOP;
    IF sealed > 0 THEN
        PERFORM set_config('assess.audit_sealing', 'on', true);
        DELETE FROM audit_pending WHERE txid < horizon AND (txid, id) <= (last_key.txid, last_key.id);
        PERFORM set_config('assess.audit_sealing', 'off', true);
    END IF;
    RETURN sealed;
END
$$;
