-- An objection the institution upholds can call a published result into question: the result is
-- suspended (暂缓) and the committee votes on the case again (复议), at stage 2 of `votes` and
-- `meeting_cases` (0 the original ballot, 1 an appeal's). The round cannot finalize meanwhile.
ALTER TABLE applications DROP CONSTRAINT applications_state_check;
ALTER TABLE applications
    ADD CONSTRAINT applications_state_check CHECK (state IN (
        'submitted', 'returned', 'ineligible', 'eligible', 'assigned', 'scored', 'decided', 'suspended')),
    -- A reconsidered result is notified anew, and a failure opens its own appeal window.
    ADD COLUMN appeals_until date;

ALTER TABLE objections DROP CONSTRAINT objections_state_check;
ALTER TABLE objections ADD CONSTRAINT objections_state_check CHECK (state IN ('open', 'handled', 'upheld', 'dismissed'));
