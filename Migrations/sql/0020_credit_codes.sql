-- Employers named by their unified social credit codes.
-- An employer (Y) evaluates only its own people: its unified social credit code says who they are.
ALTER TABLE institutions ADD COLUMN credit_code text CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$');

-- An expert's employer by its code too: same-employer recusal compares codes where both sides have one.
ALTER TABLE reviewers ADD COLUMN employer_code text CHECK (employer_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$');
