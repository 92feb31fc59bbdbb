DROP TABLE IF EXISTS webhook_events;
ALTER TABLE partners DROP COLUMN webhook_secret_old_expires_at;
ALTER TABLE partners DROP COLUMN webhook_secret_old;
