-- Operator console sessions. The cookie holds a random id; only its hash is stored, so
-- a copy of the database signs nobody in. Each session names the operator token it was
-- opened with: revoking or expiring that token ends the session.
CREATE TABLE console_sessions (
    id_hash BLOB PRIMARY KEY,
    token_hash BLOB NOT NULL,
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    address TEXT NOT NULL
);
CREATE INDEX console_sessions_seen_idx ON console_sessions (last_seen_at);
