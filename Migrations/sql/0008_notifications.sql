-- Webhook delivery of the notification outbox (Sources/Notify).

-- An endpoint that wants some recipients' notifications. `recipient` is one recipient
-- ('institution:inst-1', 'applicant:42'), every recipient of a kind ('applicant:*', for a
-- platform), or '*'. Secrets and the client key are sealed (AES-GCM) with a key the database
-- never sees; during a rotation the previous secret signs too, until previous_secret_until.
CREATE TABLE notification_subscriptions (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recipient             text        NOT NULL,
    url                   text        NOT NULL CHECK (url LIKE 'https://%'),
    events                text[]      NOT NULL DEFAULT '{}',   -- empty: every event
    secret_sealed         bytea       NOT NULL,
    previous_secret_sealed bytea,
    previous_secret_until timestamptz,
    trust_roots_pem       text,
    client_certificate_pem text,
    client_key_sealed     bytea,
    active                boolean     NOT NULL DEFAULT true,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CHECK ((client_certificate_pem IS NULL) = (client_key_sealed IS NULL))
);
CREATE INDEX notification_subscriptions_recipient_idx ON notification_subscriptions (recipient) WHERE active;

-- One notification to one subscription. `generation` grows with each re-drive, so that a
-- re-driven delivery gets a job of its own.
CREATE TABLE notification_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    outbox_id       bigint      NOT NULL REFERENCES notification_outbox,
    subscription_id bigint      NOT NULL REFERENCES notification_subscriptions,
    state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts        integer     NOT NULL DEFAULT 0,
    generation      integer     NOT NULL DEFAULT 0,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    UNIQUE (outbox_id, subscription_id)
);
CREATE INDEX notification_deliveries_dead_idx ON notification_deliveries (id) WHERE state = 'dead';

-- The delivery log: every attempt, its status code or error, and its latency.
CREATE TABLE notification_attempts (
    delivery_id  bigint      NOT NULL REFERENCES notification_deliveries ON DELETE CASCADE,
    attempt      integer     NOT NULL,
    at           timestamptz NOT NULL DEFAULT now(),
    status_code  integer,
    latency_ms   double precision NOT NULL,
    error        text,
    PRIMARY KEY (delivery_id, attempt, at)
);
CREATE INDEX notification_attempts_at_idx ON notification_attempts USING brin (at);

ALTER TABLE notification_outbox ADD COLUMN dispatched_at timestamptz;
CREATE INDEX notification_outbox_undispatched_idx ON notification_outbox (id) WHERE dispatched_at IS NULL;

-- Every statement that owes notifications asks for a dispatch at the end of the current
-- half-second: one dispatch job per half-second however many rows, and it runs after the rows
-- of that half-second have (almost always) committed. Only the first transaction of a
-- half-second inserts the job; the others see its advisory lock taken and go on, rather than
-- wait on its uncommitted job row. A row whose transaction commits after its dispatch ran (or
-- whose dispatch was rolled back with another transaction) goes out with the next dispatch, or
-- the coordinator's minutely sweep.
CREATE FUNCTION notification_outbox_dispatch_wanted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bucket bigint := floor(extract(epoch FROM clock_timestamp()) * 2);
BEGIN
    IF NOT EXISTS (SELECT 1 FROM owed) OR NOT pg_try_advisory_xact_lock(1852798052, (bucket % 1000000000)::integer) THEN
        RETURN NULL;  -- 1852798052: 'notd'
    END IF;
    PERFORM jobqueue_enqueue('notify', 'notify.dispatch', '{}'::jsonb,
                             to_timestamp((bucket + 1) / 2.0) + interval '50 milliseconds', bucket::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER notification_outbox_dispatch_wanted AFTER INSERT ON notification_outbox
    REFERENCING NEW TABLE AS owed FOR EACH STATEMENT EXECUTE FUNCTION notification_outbox_dispatch_wanted();
