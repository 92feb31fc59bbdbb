-- When the user's personal data was erased on request: a repeat is a no-op that says so.
ALTER TABLE kyc_profiles ADD COLUMN redacted_at BIGINT;

-- Whose request an idempotency record remembers (its response names the user's order),
-- so redaction finds it. Records from before this column expire within a day.
ALTER TABLE idempotency_keys ADD COLUMN partner_user_id TEXT NOT NULL DEFAULT '';
CREATE INDEX idempotency_keys_user_idx ON idempotency_keys (partner_id, partner_user_id);
