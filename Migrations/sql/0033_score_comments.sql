-- A reviewer scores with a comment (评审意见): what the score rests on, for the institution and,
-- on appeal, for the fresh panel's reading of the case.
ALTER TABLE assignments ADD COLUMN comment text CHECK (comment IS NULL OR length(comment) BETWEEN 1 AND 2000);
