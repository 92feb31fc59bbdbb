-- The selfie challenge of a case: the moves asked (comma-separated), the id the widget
-- quotes back, when it was issued, how many were issued for the case (bounded, so a
-- recording cannot be replayed until the order happens to fit) and whether it was
-- answered (a challenge is answered once).
ALTER TABLE kyc_cases ADD COLUMN challenge TEXT NOT NULL DEFAULT '';
ALTER TABLE kyc_cases ADD COLUMN challenge_id TEXT NOT NULL DEFAULT '';
ALTER TABLE kyc_cases ADD COLUMN challenge_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE kyc_cases ADD COLUMN challenges_issued INT NOT NULL DEFAULT 0;
ALTER TABLE kyc_cases ADD COLUMN challenge_answered BOOL NOT NULL DEFAULT FALSE;

-- Each check keeps the bound its score was held to.
ALTER TABLE case_checks ADD COLUMN threshold DOUBLE PRECISION NOT NULL DEFAULT 0;

-- Each selfie frame's capture time (ms since the challenge was shown) and step.
ALTER TABLE case_images ADD COLUMN at_ms INT NOT NULL DEFAULT 0;
ALTER TABLE case_images ADD COLUMN step INT NOT NULL DEFAULT 0;

-- Document reuse is no longer guessed from perceptual hashes (the column stays 0).
DROP INDEX case_images_partner_hash_idx;

-- The face of each checked case (a 128-d descriptor, sealed like images), to find one
-- person verified under two user ids of a partner.
CREATE TABLE face_templates (
    case_id UUID PRIMARY KEY REFERENCES kyc_cases (id),
    partner_id UUID NOT NULL,
    partner_user_id TEXT NOT NULL,
    sealed BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX face_templates_partner_idx ON face_templates (partner_id, partner_user_id);
