-- The bureau confirms a skills round's results per sitting or for the whole round: a confirmed
-- sitting's passed candidates get their certificates before the round's other sittings are
-- confirmed; the round is confirmed with its last sitting, or all at once.
ALTER TABLE sittings
    ADD COLUMN confirmed_at timestamptz,
    ADD COLUMN confirmed_by text;
