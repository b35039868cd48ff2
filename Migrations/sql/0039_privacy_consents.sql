-- What each applicant consented to, under which version of the privacy notice, and when: one row
-- per purpose, since the law asks for each on its own. Rows are only ever added: a new notice
-- version adds a new set, and the history shows what was agreed to at any time. Applicants
-- registered before this table, or enrolled by an institution, have none and are asked at their
-- next sign-in.
CREATE TABLE privacy_consents (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    applicant_id   bigint      NOT NULL REFERENCES applicants (id),
    notice_version integer     NOT NULL CHECK (notice_version BETWEEN 1 AND 1000),
    purpose        text        NOT NULL CHECK (purpose IN ('notice', 'sensitive_data', 'sharing')),
    given_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (applicant_id, notice_version, purpose)
);
