-- Where a partner's users read the partner's privacy policy and get help; shown by the
-- widget's consent and final-failure screens.
ALTER TABLE partners ADD COLUMN privacy_url TEXT NOT NULL DEFAULT '';
ALTER TABLE partners ADD COLUMN support_url TEXT NOT NULL DEFAULT '';

-- The user's consent to the processing of this case: when, and which text they agreed to.
ALTER TABLE kyc_cases ADD COLUMN consented_at BIGINT;
ALTER TABLE kyc_cases ADD COLUMN consent_version TEXT NOT NULL DEFAULT '';
