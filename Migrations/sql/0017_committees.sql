-- The real committee: drawn per round from a snapshot of the series' experts, meeting with its
-- members present, each casting one secret ballot sheet. Counts are all that is kept of a ballot.

-- Rounds opened before committees existed let any size through; below the national minimum they
-- were pilots in all but name, and say so now.
UPDATE rounds SET policy = policy || jsonb_build_object(
    'committeeKind', 'series', 'pilotCommittee', (policy->>'committeeSize')::int < 25)
WHERE NOT policy ? 'committeeKind';

CREATE TABLE committees (
    round_id bigint PRIMARY KEY REFERENCES rounds,
    seed     bigint      NOT NULL,
    pool     text[]      NOT NULL,   -- the experts drawn from, sorted: the draw can be run again
    members  text[]      NOT NULL,   -- in the order drawn
    drawn_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE meetings (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id  bigint      NOT NULL REFERENCES committees,
    held_on   date        NOT NULL,
    present   text[]      NOT NULL,
    state     text        NOT NULL DEFAULT 'voting' CHECK (state IN ('voting', 'closed')),
    opened_at timestamptz NOT NULL DEFAULT now(),
    closed_at timestamptz
);
CREATE INDEX meetings_round_idx ON meetings (round_id);

-- A case on a meeting's agenda, with the members recused from it and the counts of its ballots.
CREATE TABLE meeting_cases (
    meeting_id     bigint   NOT NULL REFERENCES meetings,
    application_id bigint   NOT NULL REFERENCES applications,
    stage          smallint NOT NULL,
    recused        text[]   NOT NULL DEFAULT '{}',
    yes            integer  NOT NULL DEFAULT 0 CHECK (yes >= 0),
    no             integer  NOT NULL DEFAULT 0 CHECK (no >= 0),
    abstain        integer  NOT NULL DEFAULT 0 CHECK (abstain >= 0),
    voting         boolean  NOT NULL DEFAULT true,
    PRIMARY KEY (meeting_id, application_id)
);
-- A case is before one voting meeting at a time.
CREATE UNIQUE INDEX meeting_cases_voting_idx ON meeting_cases (application_id, stage) WHERE voting;

-- That a member cast their sheet; never what it said.
CREATE TABLE ballot_sheets (
    meeting_id bigint      NOT NULL REFERENCES meetings,
    member     text        NOT NULL,
    cast_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (meeting_id, member)
);
