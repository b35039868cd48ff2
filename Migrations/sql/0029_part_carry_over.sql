-- Re-sits (补考): a part passed at an earlier sitting is kept, for the round's policy period, at a
-- later sitting of the same occupation, level and direction, recorded there as `carried` with the
-- sitting it was taken at and the day it was first taken, so the period never restarts.
UPDATE rounds SET policy = policy || '{"partCarryOverYears": 1}'::jsonb WHERE NOT policy ? 'partCarryOverYears';

ALTER TABLE sitting_results
    DROP CONSTRAINT sitting_results_state_check,
    ADD CONSTRAINT sitting_results_state_check CHECK (state IN ('final', 'absent', 'discrepancy', 'carried')),
    ADD COLUMN carried_from bigint REFERENCES sittings,
    ADD COLUMN taken_on     date,
    ADD CONSTRAINT sitting_results_carried_check CHECK ((state = 'carried') = (carried_from IS NOT NULL AND taken_on IS NOT NULL));
