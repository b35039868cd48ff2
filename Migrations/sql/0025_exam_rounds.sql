-- Economics 助理经济师 and 经济师 are obtained by national exam (以考代评): an exam round takes no
-- applications and convenes no panel; the exam office imports its results, each becoming a decided
-- application of a registered candidate, with the year the exam was sat.
ALTER TABLE rounds ADD COLUMN kind text NOT NULL DEFAULT 'review' CHECK (kind IN ('review', 'exam'));
ALTER TABLE applications ADD COLUMN exam_year smallint CHECK (exam_year BETWEEN 1990 AND 2200);
