-- A title appeal is decided by the committee again, on the fresh panel's score (DOMAIN.md: "A title
-- appeal is re-scored by a fresh panel and decided again by the committee"). Between the two, the
-- appeal is 'rescored': the panel's score is kept here, and the committee's new ballot goes into
-- votes at stage 1 (the original ballot keeps stage 0).
ALTER TABLE appeals DROP CONSTRAINT appeals_state_check;
ALTER TABLE appeals ADD CONSTRAINT appeals_state_check CHECK (state IN ('open', 'rescored', 'decided'));
ALTER TABLE appeals ADD COLUMN rescore double precision;
