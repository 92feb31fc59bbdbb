-- Secret rotation: the previous signing secret (sealed like the current one, same AAD)
-- keeps signing deliveries until it expires.
ALTER TABLE partners ADD COLUMN webhook_secret_old BLOB;
ALTER TABLE partners ADD COLUMN webhook_secret_old_expires_at INTEGER;

-- Transactional outbox: one row per webhook event, written in the transaction of the
-- status change it reports, with its delivery state. The body is built once, so every
-- retry and redelivery sends identical bytes under the same id (the webhook-id).
CREATE TABLE webhook_events (
    id TEXT PRIMARY KEY,                   -- msg_…
    partner_id TEXT NOT NULL REFERENCES partners (id),
    partner_user_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    seq INTEGER NOT NULL,                  -- the profile's sequence: per-user order
    payload BLOB NOT NULL,
    state TEXT NOT NULL,                   -- pending | delivered | failed
    attempts INTEGER NOT NULL DEFAULT 0,   -- in the current retry window
    next_attempt_at INTEGER NOT NULL,
    retry_from INTEGER NOT NULL,           -- start of the retry window: creation or last redelivery
    lease_token TEXT NOT NULL DEFAULT '',  -- the claim of the worker sending it now
    lease_until INTEGER NOT NULL DEFAULT 0,
    last_status INTEGER NOT NULL DEFAULT 0, -- HTTP status of the last attempt (0: none/no response)
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    delivered_at INTEGER
);
CREATE INDEX webhook_events_due_idx ON webhook_events (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_events_user_idx ON webhook_events (partner_id, partner_user_id, seq);
CREATE INDEX webhook_events_partner_idx ON webhook_events (partner_id, created_at);
