DROP TABLE IF EXISTS idempotency_keys;
DROP TABLE IF EXISTS widget_tokens;
DROP TABLE IF EXISTS sessions;
DROP TABLE IF EXISTS status_history;
DROP TABLE IF EXISTS kyc_cases;
DROP TABLE IF EXISTS kyc_profiles;
DROP TABLE IF EXISTS client_tokens;
DROP TABLE IF EXISTS partners;
