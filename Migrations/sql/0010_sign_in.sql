-- Applicants sign in with their identity document and a password. Only a scrypt hash is kept.
CREATE TABLE applicant_passwords (
    applicant_id bigint      PRIMARY KEY REFERENCES applicants,
    hash         text        NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Failed sign-ins by account (the document's keyed hash), for the rate limit.
CREATE TABLE sign_in_failures (
    key bytea       NOT NULL,
    at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_key_idx ON sign_in_failures (key, at);
