-- An appeal for which no fresh panel can be drawn is set apart: the institution is told why, and
-- the round finalizes without waiting for it forever; the case's result is not handed on as final.
ALTER TABLE appeals DROP CONSTRAINT appeals_state_check;
ALTER TABLE appeals
    ADD CONSTRAINT appeals_state_check CHECK (state IN ('open', 'rescored', 'decided', 'set_apart')),
    ADD COLUMN set_apart_reason text CHECK (char_length(set_apart_reason) <= 4000);
