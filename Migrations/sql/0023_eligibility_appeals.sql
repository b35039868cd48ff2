-- Appeals of ineligibility (DOMAIN.md: appeals are open to applicants whose result is a failure
-- or ineligibility). The institution reviews its own decision while the round takes applications;
-- overturned, the application goes on to the panels with the rest.
ALTER TABLE applications ADD COLUMN ineligible_on date;   -- the day the applicant was told
UPDATE applications SET ineligible_on = applied_on WHERE state = 'ineligible';

CREATE TABLE eligibility_appeals (
    application_id bigint      PRIMARY KEY REFERENCES applications,
    reason         text        NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 4000),
    state          text        NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'decided')),
    outcome        text        CHECK (outcome IN ('upheld', 'overturned')),
    decision       text,
    filed_at       timestamptz NOT NULL DEFAULT now(),
    decided_at     timestamptz
);
