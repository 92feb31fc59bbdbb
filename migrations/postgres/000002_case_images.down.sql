DROP TABLE IF EXISTS case_images;
ALTER TABLE kyc_cases DROP COLUMN liveness_ms;
