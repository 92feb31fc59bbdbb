CREATE TABLE partners (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    widget_id TEXT NOT NULL UNIQUE,
    test_mode BOOL NOT NULL,
    allowed_origins TEXT NOT NULL,
    webhook_url TEXT NOT NULL DEFAULT '',
    webhook_secret BYTEA NOT NULL,
    max_attempts INT NOT NULL DEFAULT 3,
    created_at BIGINT NOT NULL
);

CREATE TABLE client_tokens (
    token_hash BYTEA PRIMARY KEY,
    partner_id UUID NOT NULL REFERENCES partners (id),
    display_prefix TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT
);
CREATE INDEX client_tokens_partner_idx ON client_tokens (partner_id);

CREATE TABLE kyc_profiles (
    partner_id UUID NOT NULL REFERENCES partners (id),
    partner_user_id TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts_used INT NOT NULL DEFAULT 0,
    failure_reasons TEXT NOT NULL DEFAULT '[]',
    final BOOL NOT NULL DEFAULT FALSE,
    verified_at BIGINT,
    seq BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (partner_id, partner_user_id)
);

CREATE TABLE kyc_cases (
    id UUID PRIMARY KEY,
    partner_id UUID NOT NULL,
    partner_user_id TEXT NOT NULL,
    state TEXT NOT NULL,
    document_type TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    submitted_at BIGINT,
    decided_at BIGINT,
    FOREIGN KEY (partner_id, partner_user_id) REFERENCES kyc_profiles (partner_id, partner_user_id)
);
-- At most one case that is not yet decided per user: concurrent submissions cannot open two.
CREATE UNIQUE INDEX kyc_cases_one_open_idx ON kyc_cases (partner_id, partner_user_id) WHERE state <> 'decided';

CREATE TABLE status_history (
    id UUID PRIMARY KEY,
    partner_id UUID NOT NULL,
    partner_user_id TEXT NOT NULL,
    case_id UUID,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX status_history_user_idx ON status_history (partner_id, partner_user_id, created_at);

CREATE TABLE sessions (
    id UUID PRIMARY KEY,
    partner_id UUID NOT NULL REFERENCES partners (id),
    partner_user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    init_token_hash BYTEA NOT NULL UNIQUE,
    order_json TEXT NOT NULL,
    user_email TEXT NOT NULL DEFAULT '',
    client_ip TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

CREATE TABLE widget_tokens (
    token_hash BYTEA PRIMARY KEY,
    session_id UUID NOT NULL REFERENCES sessions (id),
    partner_id UUID NOT NULL,
    partner_user_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE idempotency_keys (
    partner_id UUID NOT NULL REFERENCES partners (id),
    idem_key TEXT NOT NULL,
    request_hash BYTEA NOT NULL,
    outcome TEXT NOT NULL,
    response BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (partner_id, idem_key)
);
