-- The assessment workflow's tables. Every handler writes them and completes its job in one
-- transaction; the unique constraints below are what makes a retried or rescued job harmless.

CREATE TABLE institutions (
    id         text PRIMARY KEY,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Identity numbers never appear in clear: AES-GCM ciphertext, a keyed hash (HMAC-SHA256) for
-- look-up and duplicate detection, and a masked form for display.
CREATE TABLE applicants (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name               text        NOT NULL,
    document_kind      text        NOT NULL,
    document_hash      bytea       NOT NULL UNIQUE,
    document_sealed    bytea       NOT NULL,
    document_masked    text        NOT NULL,
    employer           text,
    profile            jsonb       NOT NULL,   -- Assessment.Applicant: birth date, education, titles, levels
    created_at         timestamptz NOT NULL DEFAULT now()
);

-- A round's clock: day 0 is start_date; one day lasts day_seconds (86,400 in production, less
-- on the demo's compressed clock), so deadlines in days become run_at times of scheduled jobs.
CREATE TABLE rounds (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    institution_id text        NOT NULL REFERENCES institutions,
    name           text        NOT NULL,
    track          text        NOT NULL CHECK (track IN ('title', 'skill')),
    field          text        NOT NULL,        -- series or occupation code
    policy         jsonb       NOT NULL,
    calendar       jsonb       NOT NULL,        -- Assessment.WorkingCalendar
    state          text        NOT NULL,
    seed           bigint      NOT NULL,        -- recorded, so anyone can redraw the same panels
    start_date     date        NOT NULL,
    day_seconds    integer     NOT NULL CHECK (day_seconds > 0),
    started_at     timestamptz NOT NULL DEFAULT now(),
    closes_on_day  integer     NOT NULL CHECK (closes_on_day >= 0),
    scoring_days   integer     NOT NULL CHECK (scoring_days > 0),
    notice_ends    date,
    appeals_end    date,
    staffed_upto   bigint      NOT NULL DEFAULT 0,  -- progress of chunked panel staffing
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE applications (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id       bigint      NOT NULL REFERENCES rounds,
    applicant_id   bigint      NOT NULL REFERENCES applicants,
    target         jsonb       NOT NULL,        -- Assessment.ApplicationTarget
    applied_on     date        NOT NULL,
    state          text        NOT NULL CHECK (state IN (
                       'submitted', 'ineligible', 'eligible', 'assigned', 'scored', 'decided')),
    reasons        jsonb       NOT NULL DEFAULT '[]',
    score          double precision,
    passed         boolean,
    appeal_outcome text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (round_id, applicant_id)
);
CREATE INDEX applications_round_idx ON applications (round_id, state);

CREATE TABLE reviewers (
    id             text PRIMARY KEY,
    institution_id text        NOT NULL REFERENCES institutions,
    name           text        NOT NULL,
    fields         text[]      NOT NULL,
    employer       text,
    conflicts      bigint[]    NOT NULL DEFAULT '{}',   -- applicant ids declared
    load_cap       integer     NOT NULL CHECK (load_cap > 0),
    available      boolean     NOT NULL DEFAULT true
);

-- stage 0: the original panel; 1: the extra reviewer after a discrepancy; 2: an appeal's panel.
CREATE TABLE assignments (
    application_id bigint      NOT NULL REFERENCES applications,
    reviewer_id    text        NOT NULL REFERENCES reviewers,
    stage          smallint    NOT NULL CHECK (stage BETWEEN 0 AND 2),
    state          text        NOT NULL DEFAULT 'assigned' CHECK (state IN ('assigned', 'scored', 'replaced')),
    due_at         timestamptz NOT NULL,
    reminded_at    timestamptz,
    score          double precision CHECK (score BETWEEN 0 AND 100),
    scored_at      timestamptz,
    PRIMARY KEY (application_id, reviewer_id)
);
CREATE INDEX assignments_reviewer_idx ON assignments (reviewer_id) WHERE state <> 'replaced';

-- A committee's secret ballot: counts only.
CREATE TABLE votes (
    application_id bigint   NOT NULL REFERENCES applications,
    stage          smallint NOT NULL,
    members        integer  NOT NULL,
    yes            integer  NOT NULL,
    no             integer  NOT NULL,
    abstain        integer  NOT NULL,
    PRIMARY KEY (application_id, stage)
);

CREATE TABLE objections (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint      NOT NULL REFERENCES applications,
    filed_by       text        NOT NULL,
    statement      text        NOT NULL,
    state          text        NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'handled')),
    filed_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE appeals (
    application_id bigint PRIMARY KEY REFERENCES applications,   -- one appeal per result
    reason         text        NOT NULL,
    state          text        NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'decided')),
    outcome        text,
    filed_at       timestamptz NOT NULL DEFAULT now()
);

-- The bureau's signing keys: public parts only; the private key comes from the environment or a file.
CREATE TABLE signing_keys (
    id         text PRIMARY KEY,
    public_key bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE certificates (
    number            text PRIMARY KEY,
    application_id    bigint      NOT NULL UNIQUE REFERENCES applications,
    content           jsonb       NOT NULL,   -- Assessment.CertificateContent, masked holder data
    signature         bytea       NOT NULL,
    key_id            text        NOT NULL REFERENCES signing_keys,
    issued_at         timestamptz NOT NULL DEFAULT now(),
    revoked_at        timestamptz,
    revocation_reason text
);

CREATE TABLE round_confirmations (
    round_id     bigint PRIMARY KEY REFERENCES rounds,
    handed_at    timestamptz NOT NULL DEFAULT now(),
    confirmed_at timestamptz,
    confirmed_by text
);

-- Append-only, hash-chained: each entry's hash covers the previous entry's hash and its own
-- fields, so changing or removing an entry breaks every hash after it (`assess audit verify`).
CREATE TABLE audit_log (
    seq       bigint PRIMARY KEY,
    at        timestamptz NOT NULL,
    actor     text        NOT NULL,
    action    text        NOT NULL,
    subject   text        NOT NULL,
    detail    jsonb       NOT NULL,
    prev_hash bytea       NOT NULL,
    hash      bytea       NOT NULL
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- What each step owes to people: one row per (event, subject, recipient), whatever retries.
CREATE TABLE notification_outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    idempotency_key text        NOT NULL UNIQUE,
    recipient       text        NOT NULL,   -- applicant:<id>, reviewer:<id>, institution:<id>, bureau
    event           text        NOT NULL,
    payload         jsonb       NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz
);

-- Per-prefix counters of certificate numbers (series and year, or agency, site, year and level).
CREATE TABLE certificate_sequences (
    prefix text PRIMARY KEY,
    last   integer NOT NULL
);

-- The hash of one audit entry, over the previous entry's hash and its own fields; the time is
-- written in UTC so that the session's time zone never changes a hash.
CREATE FUNCTION audit_entry_hash(prev bytea, seq bigint, at timestamptz, actor text, action text, subject text, detail jsonb)
RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(prev || convert_to(concat_ws(E'\x1f', seq::text,
        to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), actor, action, subject, detail::text), 'UTF8'))
$$;
