-- Operators run the deployment (the queue dashboard) without a say in any evaluation: a role of
-- their own, so that watching the queue does not take a bureau officer's token.
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_check CHECK (role IN ('applicant', 'institution', 'reviewer', 'bureau', 'operator'));
