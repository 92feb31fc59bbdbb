ALTER TABLE kyc_cases ADD COLUMN liveness_ms INTEGER NOT NULL DEFAULT 0;

-- Images of a case, sealed (AES-256-GCM envelope). `sealed` is NULL once retention
-- purged the image; the row (its quality results and hash) stays with the decision.
CREATE TABLE case_images (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES kyc_cases (id),
    partner_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    frame INTEGER NOT NULL DEFAULT 0,
    content_type TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    phash INTEGER NOT NULL DEFAULT 0,
    quality TEXT NOT NULL DEFAULT '[]',
    sealed BLOB,
    created_at INTEGER NOT NULL
);
CREATE INDEX case_images_case_idx ON case_images (case_id, kind, frame);
CREATE INDEX case_images_partner_hash_idx ON case_images (partner_id, phash);
