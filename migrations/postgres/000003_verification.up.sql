ALTER TABLE kyc_cases ADD COLUMN needs_review BOOL NOT NULL DEFAULT FALSE;
ALTER TABLE kyc_cases ADD COLUMN review_reasons TEXT NOT NULL DEFAULT '[]';
ALTER TABLE kyc_cases ADD COLUMN decision TEXT NOT NULL DEFAULT '';
ALTER TABLE kyc_cases ADD COLUMN decided_by TEXT NOT NULL DEFAULT '';
ALTER TABLE kyc_cases ADD COLUMN purged_at BIGINT;
CREATE INDEX kyc_cases_review_idx ON kyc_cases (state, needs_review, submitted_at);
CREATE INDEX kyc_cases_decided_idx ON kyc_cases (state, decided_at);

-- One verification job per submitted case, claimed by workers with a lease.
CREATE TABLE verification_jobs (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL UNIQUE REFERENCES kyc_cases (id),
    state TEXT NOT NULL,
    attempts INT NOT NULL DEFAULT 0,
    run_after BIGINT NOT NULL,
    lease_owner TEXT NOT NULL DEFAULT '',
    lease_until BIGINT NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX verification_jobs_due_idx ON verification_jobs (state, run_after);

-- Each automated check of a case with its result, reason code, score and version.
CREATE TABLE case_checks (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES kyc_cases (id),
    name TEXT NOT NULL,
    result TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    score DOUBLE PRECISION NOT NULL DEFAULT 0,
    version TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX case_checks_case_idx ON case_checks (case_id);

CREATE TABLE operator_tokens (
    token_hash BYTEA PRIMARY KEY,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
