-- A skills appeal (复核) names the part appealed; a fresh panel of examiners, none of the original
-- panel, re-marks it, each on their own. The panel's mark replaces the part's, which keeps the mark
-- it replaced.
ALTER TABLE appeals ADD COLUMN part text CHECK (part IN ('theory', 'skill', 'comprehensive_review'));

ALTER TABLE sitting_results ADD COLUMN appealed_from double precision CHECK (appealed_from BETWEEN 0 AND 100);

CREATE TABLE appeal_remarks (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint           NOT NULL REFERENCES applications,
    reviewer_id    text             NOT NULL REFERENCES reviewers,
    mark           double precision CHECK (mark BETWEEN 0 AND 100),
    marked_at      timestamptz,
    UNIQUE (application_id, reviewer_id)
);
CREATE INDEX appeal_remarks_reviewer ON appeal_remarks (reviewer_id, id);
