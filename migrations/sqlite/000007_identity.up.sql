-- Partners choose whether they may read their users' verified identity, and the
-- youngest age they accept.
ALTER TABLE partners ADD COLUMN share_identity INTEGER NOT NULL DEFAULT 0;
ALTER TABLE partners ADD COLUMN min_age INT NOT NULL DEFAULT 18;

-- The name and date of birth a partner expects for a user (sealed; the latest
-- CreateSession that gave them wins).
CREATE TABLE expected_identities (
    partner_id TEXT NOT NULL,
    partner_user_id TEXT NOT NULL,
    sealed BLOB NOT NULL,
    updated_at INTEGER NOT NULL,
    purge_after INTEGER NOT NULL,
    PRIMARY KEY (partner_id, partner_user_id)
);
CREATE INDEX expected_identities_purge_idx ON expected_identities (purge_after);

-- The identity read from a case's document (sealed like images). It outlives the
-- images: it is the AML record, kept until purge_after unless redacted.
CREATE TABLE case_identities (
    case_id TEXT PRIMARY KEY REFERENCES kyc_cases (id),
    partner_id TEXT NOT NULL,
    partner_user_id TEXT NOT NULL,
    sealed BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    purge_after INTEGER NOT NULL
);
CREATE INDEX case_identities_user_idx ON case_identities (partner_id, partner_user_id);
CREATE INDEX case_identities_purge_idx ON case_identities (purge_after);

-- Keyed hashes (HMAC) of issuing country + document number: one document under two
-- users of a partner is found by index, and the number is never stored in clear.
CREATE TABLE document_keys (
    case_id TEXT NOT NULL REFERENCES kyc_cases (id),
    doc_key BLOB NOT NULL,
    partner_id TEXT NOT NULL,
    partner_user_id TEXT NOT NULL,
    purge_after INTEGER NOT NULL,
    PRIMARY KEY (case_id, doc_key)
);
CREATE INDEX document_keys_lookup_idx ON document_keys (partner_id, doc_key);
CREATE INDEX document_keys_purge_idx ON document_keys (purge_after);

-- Every read of a user's identity by a partner, allowed or not.
CREATE TABLE identity_reads (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL,
    partner_user_id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    request_id TEXT NOT NULL,
    read_at INTEGER NOT NULL
);
CREATE INDEX identity_reads_user_idx ON identity_reads (partner_id, partner_user_id, read_at);
