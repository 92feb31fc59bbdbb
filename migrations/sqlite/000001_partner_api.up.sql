CREATE TABLE partners (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    widget_id TEXT NOT NULL UNIQUE,
    test_mode INTEGER NOT NULL,
    allowed_origins TEXT NOT NULL,
    webhook_url TEXT NOT NULL DEFAULT '',
    webhook_secret BLOB NOT NULL,
    max_attempts INTEGER NOT NULL DEFAULT 3,
    created_at INTEGER NOT NULL
);

CREATE TABLE client_tokens (
    token_hash BLOB PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    display_prefix TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER
);
CREATE INDEX client_tokens_partner_idx ON client_tokens (partner_id);

CREATE TABLE kyc_profiles (
    partner_id TEXT NOT NULL REFERENCES partners (id),
    partner_user_id TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts_used INTEGER NOT NULL DEFAULT 0,
    failure_reasons TEXT NOT NULL DEFAULT '[]',
    final INTEGER NOT NULL DEFAULT 0,
    verified_at INTEGER,
    seq INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (partner_id, partner_user_id)
);

CREATE TABLE kyc_cases (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL,
    partner_user_id TEXT NOT NULL,
    state TEXT NOT NULL,
    document_type TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    submitted_at INTEGER,
    decided_at INTEGER,
    FOREIGN KEY (partner_id, partner_user_id) REFERENCES kyc_profiles (partner_id, partner_user_id)
);
-- At most one case that is not yet decided per user: concurrent submissions cannot open two.
CREATE UNIQUE INDEX kyc_cases_one_open_idx ON kyc_cases (partner_id, partner_user_id) WHERE state <> 'decided';

CREATE TABLE status_history (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL,
    partner_user_id TEXT NOT NULL,
    case_id TEXT,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX status_history_user_idx ON status_history (partner_id, partner_user_id, created_at);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    partner_user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    init_token_hash BLOB NOT NULL UNIQUE,
    order_json TEXT NOT NULL,
    user_email TEXT NOT NULL DEFAULT '',
    client_ip TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);

CREATE TABLE widget_tokens (
    token_hash BLOB PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    partner_id TEXT NOT NULL,
    partner_user_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE idempotency_keys (
    partner_id TEXT NOT NULL REFERENCES partners (id),
    idem_key TEXT NOT NULL,
    request_hash BLOB NOT NULL,
    outcome TEXT NOT NULL,
    response BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (partner_id, idem_key)
);
