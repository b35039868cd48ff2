-- Bearer tokens of the HTTP API. Only the SHA-256 of a token is stored: tokens are 256 random
-- bits, so a fast hash suffices, and a leaked table signs nobody in.
CREATE TABLE api_tokens (
    token_hash bytea       PRIMARY KEY,
    role       text        NOT NULL CHECK (role IN ('applicant', 'institution', 'reviewer', 'bureau')),
    subject    text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX api_tokens_subject_idx ON api_tokens (role, subject);

-- An applicant follows their own applications.
CREATE INDEX applications_applicant_idx ON applications (applicant_id, id);

-- People read their own notifications, newest pages last.
CREATE INDEX notification_outbox_recipient_idx ON notification_outbox (recipient, id);
