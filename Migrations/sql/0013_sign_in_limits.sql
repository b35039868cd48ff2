-- Sign-in limits per account and client address, and per address, each attempt reserved before
-- its password is checked (AssessmentAPI/SignIn.swift): a failure row now has an id, so that a
-- correct password can remove just its own reservation, and the address it came from.
ALTER TABLE sign_in_failures ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
ALTER TABLE sign_in_failures ADD COLUMN client text NOT NULL DEFAULT '';
CREATE INDEX sign_in_failures_client_idx ON sign_in_failures (client, at);
