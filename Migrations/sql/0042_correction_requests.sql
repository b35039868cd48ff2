-- Requests to correct what a checked application was filed with (PIPL art. 46), answered by the
-- institution running its round within a stated time. They share the table of erasure requests so
-- that an applicant's requests and their answers are one record; `note` (the applicant's words)
-- goes with the application when it is deleted.
ALTER TABLE privacy_requests
    DROP CONSTRAINT privacy_requests_kind_check,
    ADD CONSTRAINT privacy_requests_kind_check CHECK (kind IN ('erasure', 'correction')),
    DROP CONSTRAINT privacy_requests_outcome_check,
    ADD CONSTRAINT privacy_requests_outcome_check
        CHECK (outcome IN ('granted', 'partly', 'refused', 'pending', 'accepted', 'withdrawn')),
    ALTER COLUMN answered_at DROP NOT NULL,
    ALTER COLUMN deleted_applications SET DEFAULT 0,
    ALTER COLUMN account_deleted SET DEFAULT false,
    ADD COLUMN application_id bigint,
    ADD COLUMN note           text CHECK (char_length(note) BETWEEN 1 AND 1000),
    ADD COLUMN due_on         date,
    ADD COLUMN answered_by    text,
    ADD COLUMN fields         jsonb NOT NULL DEFAULT '[]',   -- the parts of the record that differed
    ADD CONSTRAINT privacy_requests_answered CHECK ((outcome = 'pending') = (answered_at IS NULL));
-- One open correction per application; the institution's list of what is waiting, oldest due first.
CREATE UNIQUE INDEX privacy_requests_one_pending ON privacy_requests (application_id)
    WHERE kind = 'correction' AND outcome = 'pending';
CREATE INDEX privacy_requests_pending_idx ON privacy_requests (due_on) WHERE outcome = 'pending';
