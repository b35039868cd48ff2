-- A sitting's marks: each examiner's own mark of a part (blind to the others'), and each part's
-- result per candidate: the panel's mean (or the exam system's theory mark), an absence, or a
-- discrepancy the sitting's supervisor must confirm before it counts.
CREATE TABLE sitting_marks (
    sitting_id     bigint           NOT NULL REFERENCES sittings,
    application_id bigint           NOT NULL REFERENCES applications,
    part           text             NOT NULL CHECK (part IN ('skill', 'comprehensive_review')),
    reviewer_id    text             NOT NULL REFERENCES reviewers,
    mark           double precision NOT NULL CHECK (mark BETWEEN 0 AND 100),
    marked_at      timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (sitting_id, application_id, part, reviewer_id)
);

CREATE TABLE sitting_results (
    sitting_id     bigint           NOT NULL REFERENCES sittings,
    application_id bigint           NOT NULL REFERENCES applications,
    part           text             NOT NULL CHECK (part IN ('theory', 'skill', 'comprehensive_review')),
    state          text             NOT NULL CHECK (state IN ('final', 'absent', 'discrepancy')),
    mark           double precision CHECK (mark BETWEEN 0 AND 100),
    spread         double precision CHECK (spread BETWEEN 0 AND 100),
    confirmed_by   text REFERENCES reviewers,   -- the supervisor who let a discrepant mark count
    recorded_at    timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (sitting_id, application_id, part),
    CHECK ((state = 'absent') = (mark IS NULL))
);

-- A skills candidate absent from a part is recorded as absent, not as failed.
ALTER TABLE applications ADD COLUMN absent boolean NOT NULL DEFAULT false;
