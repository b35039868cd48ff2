-- Skills sittings (考场安排): when and where each part runs, the rooms and their seats, who sits
-- where with which admission ticket, and who staffs it. Experts who examine an occupation hold a
-- level of it and an examiner's or supervisor's certificate; rounds' policies gain the national
-- staffing ratios.
ALTER TABLE reviewers
    ADD COLUMN skill_level        smallint CHECK (skill_level BETWEEN 1 AND 5),
    ADD COLUMN certificate_kind   text     CHECK (certificate_kind IN ('examiner', 'supervisor')),
    ADD COLUMN certificate_number text     CHECK (certificate_number ~ '^[A-Za-z0-9-]{1,40}$'),
    ADD COLUMN certificate_until  date,
    ADD CONSTRAINT reviewers_certificate_check CHECK (
        (certificate_kind IS NULL) = (certificate_number IS NULL) AND (certificate_kind IS NULL) = (certificate_until IS NULL));

UPDATE rounds SET policy = policy || '{"sittingRatios": {"candidatesPerInvigilator": 15, "invigilatorsPerRoom": 2,
    "candidatesPerExaminer": 5, "examinersPerRoom": 3, "reviewPanel": 3}}'::jsonb
WHERE NOT policy ? 'sittingRatios';

CREATE TABLE sittings (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id   bigint      NOT NULL REFERENCES rounds,
    site       text        NOT NULL CHECK (site ~ '^[0-9]{6}$'),
    levels     smallint[]  NOT NULL CHECK (cardinality(levels) BETWEEN 1 AND 5),
    -- [Assessment.SittingPart], [Assessment.SittingRoom], Assessment.SittingStaffing: written and
    -- read whole, checked by the domain before they are written.
    parts      jsonb       NOT NULL,
    rooms      jsonb       NOT NULL,
    staffing   jsonb       NOT NULL,
    seed       bigint      NOT NULL,   -- recorded, so anyone can redraw the same seats and staff
    -- scheduled: waiting for its seating job; seated: seats, tickets and staff drawn and told;
    -- unstaffed: the pool changed before the job ran and can no longer staff it; cancelled.
    state      text        NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'seated', 'unstaffed', 'cancelled')),
    revision   integer     NOT NULL DEFAULT 1 CHECK (revision BETWEEN 1 AND 1000),
    problem    jsonb,                  -- why unstaffed, or why cancelled: {"zh": …, "en": …}
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sittings_round_idx ON sittings (round_id, id);

CREATE TABLE sitting_candidates (
    sitting_id     bigint   NOT NULL REFERENCES sittings,
    application_id bigint   NOT NULL REFERENCES applications,
    active         boolean  NOT NULL DEFAULT true,   -- false once the sitting is cancelled
    room           smallint CHECK (room >= 0),       -- index into the sitting's rooms, once seated
    seat           smallint CHECK (seat >= 1),
    ticket         text     CHECK (ticket ~ '^[0-9]{18}$'),
    PRIMARY KEY (sitting_id, application_id),
    -- Checked at commit: seating a moved sitting again hands tickets round in one statement.
    UNIQUE (sitting_id, ticket) DEFERRABLE INITIALLY DEFERRED
);
-- A candidate sits in one live sitting at a time.
CREATE UNIQUE INDEX sitting_candidates_live_idx ON sitting_candidates (application_id) WHERE active;

CREATE TABLE sitting_staff (
    sitting_id  bigint   NOT NULL REFERENCES sittings,
    reviewer_id text     NOT NULL REFERENCES reviewers,
    role        text     NOT NULL CHECK (role IN ('invigilator', 'examiner', 'reviewer', 'supervisor')),
    room        smallint CHECK (room >= 0),
    PRIMARY KEY (sitting_id, reviewer_id)
);
CREATE INDEX sitting_staff_reviewer_idx ON sitting_staff (reviewer_id);
