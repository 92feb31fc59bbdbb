DROP TABLE IF EXISTS identity_reads;
DROP TABLE IF EXISTS document_keys;
DROP TABLE IF EXISTS case_identities;
DROP TABLE IF EXISTS expected_identities;
ALTER TABLE partners DROP COLUMN min_age;
ALTER TABLE partners DROP COLUMN share_identity;
