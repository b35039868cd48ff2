-- Requests about a person's own data and how each was answered: the record the law asks for
-- (PIPL art. 50). The answer outlives an account it deleted, so there is no foreign key; the row
-- holds no personal data beyond the applicant's number.
CREATE TABLE privacy_requests (
    id                   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    applicant_id         bigint      NOT NULL,
    kind                 text        NOT NULL CHECK (kind IN ('erasure')),
    filed_at             timestamptz NOT NULL DEFAULT now(),
    answered_at          timestamptz NOT NULL DEFAULT now(),
    outcome              text        NOT NULL CHECK (outcome IN ('granted', 'partly', 'refused')),
    deleted_applications integer     NOT NULL CHECK (deleted_applications >= 0),
    account_deleted      boolean     NOT NULL,
    reasons              jsonb       NOT NULL DEFAULT '[]'   -- [{"zh": …, "en": …}]
);
CREATE INDEX privacy_requests_applicant_idx ON privacy_requests (applicant_id);
