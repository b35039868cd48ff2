-- The expert database (专家库): the grade an expert holds, their specialty, the term they serve,
-- and whether they serve at all. `available` becomes `status`: suspended experts may serve again,
-- retired ones never. Experts filed before keep serving: no term recorded, no grade recorded.
ALTER TABLE reviewers
    ADD COLUMN specialty  text     CHECK (char_length(specialty) BETWEEN 1 AND 50),
    ADD COLUMN grade      smallint CHECK (grade BETWEEN 1 AND 5),
    ADD COLUMN term_start date,
    ADD COLUMN term_end   date,
    ADD COLUMN status     text     NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'retired')),
    ADD CONSTRAINT reviewers_term_check CHECK (term_end >= term_start);
UPDATE reviewers SET status = 'suspended' WHERE NOT available;
ALTER TABLE reviewers DROP COLUMN available;
CREATE INDEX reviewers_institution_idx ON reviewers (institution_id, id);
