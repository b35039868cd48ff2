-- Institutions as the bureau files them: kind, the codes assigned to them, their sites and what
-- they may evaluate. Skills certificates' numbers come from these codes. Institutions filed before
-- this get the codes every certificate carried until now (the first one) or the next free agency
-- code, and every series and occupation, as they could evaluate anything.
ALTER TABLE institutions
    ADD COLUMN kind          text   NOT NULL DEFAULT 'S' CHECK (kind IN ('Y', 'S')),
    ADD COLUMN agency_code   text   NOT NULL DEFAULT '0001' CHECK (agency_code ~ '^[0-9]{4}$'),
    ADD COLUMN province_code text   NOT NULL DEFAULT '31' CHECK (province_code ~ '^[0-9]{2}$'),
    ADD COLUMN sites         text[] NOT NULL DEFAULT '{000001}' CHECK (cardinality(sites) >= 1),
    ADD COLUMN series        text[] NOT NULL DEFAULT '{crafts_arts,art,cultural_relics_museums,economics,science_communication}',
    ADD COLUMN occupations   text[] NOT NULL DEFAULT '{4-13-01-05}';

UPDATE institutions i SET agency_code = lpad(o.n::text, 4, '0')
FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM institutions) o
WHERE o.id = i.id;

ALTER TABLE institutions
    ALTER COLUMN kind DROP DEFAULT, ALTER COLUMN agency_code DROP DEFAULT, ALTER COLUMN province_code DROP DEFAULT,
    ALTER COLUMN sites DROP DEFAULT, ALTER COLUMN series DROP DEFAULT, ALTER COLUMN occupations DROP DEFAULT;

-- Two institutions never share the codes a certificate number is made of.
CREATE UNIQUE INDEX institutions_codes_idx ON institutions (kind, agency_code, province_code);

-- The site a skills round's certificates name.
ALTER TABLE rounds ADD COLUMN site text CHECK (site ~ '^[0-9]{6}$');

-- Why a certificate was revoked; one obtained by fraud bars its holder from titles for 3 years.
ALTER TABLE certificates ADD COLUMN revocation_grounds text CHECK (revocation_grounds IN ('fraud', 'error', 'other'));
CREATE TABLE title_bars (
    applicant_id bigint NOT NULL REFERENCES applicants,
    certificate  text   NOT NULL REFERENCES certificates,
    until        date   NOT NULL,
    PRIMARY KEY (applicant_id, certificate)
);
