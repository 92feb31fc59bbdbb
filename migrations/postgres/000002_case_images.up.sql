ALTER TABLE kyc_cases ADD COLUMN liveness_ms INT NOT NULL DEFAULT 0;

-- Images of a case, sealed (AES-256-GCM envelope). `sealed` is NULL once retention
-- purged the image; the row (its quality results and hash) stays with the decision.
CREATE TABLE case_images (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES kyc_cases (id),
    partner_id UUID NOT NULL,
    kind TEXT NOT NULL,
    frame INT NOT NULL DEFAULT 0,
    content_type TEXT NOT NULL,
    width INT NOT NULL,
    height INT NOT NULL,
    phash BIGINT NOT NULL DEFAULT 0,
    quality TEXT NOT NULL DEFAULT '[]',
    sealed BYTEA,
    created_at BIGINT NOT NULL
);
CREATE INDEX case_images_case_idx ON case_images (case_id, kind, frame);
CREATE INDEX case_images_partner_hash_idx ON case_images (partner_id, phash);
