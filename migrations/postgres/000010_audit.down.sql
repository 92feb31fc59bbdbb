ALTER TABLE operator_tokens DROP COLUMN role;
DROP TABLE audit_log;
