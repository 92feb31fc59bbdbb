DROP INDEX IF EXISTS widget_tokens_created_idx;
DROP INDEX IF EXISTS widget_tokens_session_idx;
DROP INDEX IF EXISTS sessions_created_idx;
