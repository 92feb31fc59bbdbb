ALTER TABLE kyc_cases DROP COLUMN consent_version;
ALTER TABLE kyc_cases DROP COLUMN consented_at;
ALTER TABLE partners DROP COLUMN support_url;
ALTER TABLE partners DROP COLUMN privacy_url;
