-- Single-use links that move a widget session to the user's phone. Only the code's
-- hash is stored; the phone's widget token is bound to the same session and user.
CREATE TABLE handoff_codes (
    code_hash BYTEA PRIMARY KEY,
    session_id UUID NOT NULL,
    partner_id UUID NOT NULL,
    partner_user_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX handoff_codes_expiry_idx ON handoff_codes (expires_at);

-- A retry that kept the previous attempt's document names the case it came from.
ALTER TABLE kyc_cases ADD COLUMN documents_from UUID;
