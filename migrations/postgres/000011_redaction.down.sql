DROP INDEX idempotency_keys_user_idx;
ALTER TABLE idempotency_keys DROP COLUMN partner_user_id;
ALTER TABLE kyc_profiles DROP COLUMN redacted_at;
