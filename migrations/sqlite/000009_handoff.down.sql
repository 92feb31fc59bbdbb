ALTER TABLE kyc_cases DROP COLUMN documents_from;
DROP TABLE handoff_codes;
