-- What an application was filed with, and the institution's formal check (形式审查) of it.
--
-- `profile` is the applicant's record as it stood when the application was (re)submitted: later
-- corrections of the record reach an application only when it is returned and resubmitted, so the
-- formal check and eligibility judge what was declared. Rows filed before this read the record.
ALTER TABLE applications DROP CONSTRAINT applications_state_check;
ALTER TABLE applications
    ADD CONSTRAINT applications_state_check CHECK (state IN (
        'submitted', 'returned', 'ineligible', 'eligible', 'assigned', 'scored', 'decided')),
    ADD COLUMN profile     jsonb,
    ADD COLUMN works       jsonb       NOT NULL DEFAULT '[]',   -- [Assessment.WorkReference]
    ADD COLUMN pledge      jsonb,                               -- the integrity pledge as signed
    ADD COLUMN checked_at  timestamptz,                         -- the formal check accepted it
    ADD COLUMN correct_by  date,                                -- while returned: the deadline
    ADD COLUMN corrections jsonb       NOT NULL DEFAULT '[]';   -- every return, with its reasons

-- Evidence files, stored once per content: the bytes in a large object, named by their SHA-256.
CREATE TABLE stored_files (
    sha256     bytea       PRIMARY KEY CHECK (octet_length(sha256) = 32),
    size       bigint      NOT NULL CHECK (size > 0),
    media_type text        NOT NULL,
    object     oid         NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE application_files (
    application_id bigint      NOT NULL REFERENCES applications,
    sha256         bytea       NOT NULL REFERENCES stored_files,
    name           text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    purpose        text        NOT NULL,
    added_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, sha256)
);
CREATE INDEX application_files_sha256_idx ON application_files (sha256);

-- Rounds opened before the formal check existed took applications straight to eligibility.
UPDATE rounds SET policy = policy || '{"formalCheck": false}'::jsonb WHERE NOT policy ? 'formalCheck';
