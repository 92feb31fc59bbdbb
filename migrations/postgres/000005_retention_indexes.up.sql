-- The retention purge finds old sessions and widget tokens, and the tokens of a
-- session, without scanning the tables.
CREATE INDEX sessions_created_idx ON sessions (created_at);
CREATE INDEX widget_tokens_session_idx ON widget_tokens (session_id);
CREATE INDEX widget_tokens_created_idx ON widget_tokens (created_at);
