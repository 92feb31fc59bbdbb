-- The audit log: who did what to which case, when and from where. Rows are only ever
-- inserted (the store has no statement that changes or deletes one); redaction leaves
-- them, as they hold no personal data beyond the partner's own user id.
CREATE TABLE audit_log (
    id UUID PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    case_id TEXT NOT NULL,
    partner_id TEXT NOT NULL,
    partner_user_id TEXT NOT NULL,
    address TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_at_idx ON audit_log (at, id);
CREATE INDEX audit_log_case_idx ON audit_log (case_id, at);

-- Operator tokens carry a role: reviewer (queue, cases, decisions) or admin (also
-- redaction, audit export and operator tokens).
ALTER TABLE operator_tokens ADD COLUMN role TEXT NOT NULL DEFAULT 'reviewer';
