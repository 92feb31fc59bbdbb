package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/google/uuid"
)

// Case states: a case collects images while open, waits for a decision once submitted.
const (
	CaseOpen      = "open"
	CaseSubmitted = "submitted"
	CaseDecided   = "decided"
)

// Image kinds.
const (
	ImageFront    = "document_front"
	ImageBack     = "document_back"
	ImageLiveness = "liveness"
)

// Case is one verification attempt of a user.
type Case struct {
	ID            string
	PartnerID     string
	PartnerUserID string
	State         string
	DocumentType  string
	LivenessMS    int
	Challenge     string // the selfie challenge's moves (liveness.Challenge.String)
	ChallengeID   string
	ChallengeAt   time.Time
	Answered      bool   // the challenge was answered
	DocumentsFrom string // the earlier case whose document images this one carries
	CreatedAt     time.Time
	SubmittedAt   time.Time
	DecidedAt     time.Time
	ConsentedAt   time.Time // zero until the user agreed to the consent text
	ConsentVer    string    // the version of the text agreed to (locale.ConsentVersion)
}

// Image is one stored picture of a case; Sealed is nil when not loaded or purged.
type Image struct {
	ID          string
	CaseID      string
	PartnerID   string
	Kind        string
	Frame       int
	AtMS, Step  int // selfie frames: capture time since the challenge was shown, and step
	ContentType string
	Width       int
	Height      int
	QualityJSON string
	Sealed      []byte
	CreatedAt   time.Time
}

const caseCols = `id, partner_id, partner_user_id, state, document_type, liveness_ms, challenge, challenge_id, challenge_at, challenge_answered, created_at, submitted_at, decided_at, documents_from, consented_at, consent_version`

func scanCase(row interface{ Scan(...any) error }) (Case, error) {
	var c Case
	var created, challengeAt int64
	var submitted, decided, consented sql.NullInt64
	var from sql.NullString
	err := row.Scan(&c.ID, &c.PartnerID, &c.PartnerUserID, &c.State, &c.DocumentType, &c.LivenessMS, &c.Challenge, &c.ChallengeID, &challengeAt, &c.Answered, &created, &submitted, &decided, &from,
		&consented, &c.ConsentVer)
	c.DocumentsFrom = from.String
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	c.ChallengeAt = time.UnixMicro(challengeAt).UTC()
	c.CreatedAt, c.SubmittedAt, c.DecidedAt = time.UnixMicro(created).UTC(), fromMicros(submitted), fromMicros(decided)
	c.ConsentedAt = fromMicros(consented)
	return c, err
}

// CurrentCase returns the user's undecided case (open or submitted), or ErrNotFound.
func (t *Tx) CurrentCase(ctx context.Context, partnerID, userID string) (Case, error) {
	return scanCase(t.q.QueryRowContext(ctx, `SELECT `+caseCols+` FROM kyc_cases
		WHERE partner_id = $1 AND partner_user_id = $2 AND state <> 'decided'`, partnerID, userID))
}

// CaseByID loads a case.
func (t *Tx) CaseByID(ctx context.Context, id string) (Case, error) {
	if !isID(id) {
		return Case{}, ErrNotFound
	}
	return scanCase(t.q.QueryRowContext(ctx, `SELECT `+caseCols+` FROM kyc_cases WHERE id = $1`, id))
}

// OpenCase returns the user's undecided case, creating an open one if there is none.
// The partial unique index makes a concurrent creator lose and retry.
func (t *Tx) OpenCase(ctx context.Context, partnerID, userID string) (Case, error) {
	c, err := t.CurrentCase(ctx, partnerID, userID)
	if !errors.Is(err, ErrNotFound) {
		return c, err
	}
	if _, err := t.EnsureProfile(ctx, partnerID, userID); err != nil {
		return c, err
	}
	// A new attempt after a failed one is the same processing the user agreed to: their
	// latest consent carries over, with its own time and text version.
	var consented sql.NullInt64
	var version string
	err = t.q.QueryRowContext(ctx, `SELECT consented_at, consent_version FROM kyc_cases
		WHERE partner_id = $1 AND partner_user_id = $2 AND consented_at IS NOT NULL
		ORDER BY consented_at DESC LIMIT 1`, partnerID, userID).Scan(&consented, &version)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return c, err
	}
	res, err := t.q.ExecContext(ctx, `INSERT INTO kyc_cases (id, partner_id, partner_user_id, state, created_at, consented_at, consent_version)
		VALUES ($1, $2, $3, 'open', $4, $5, $6) ON CONFLICT (partner_id, partner_user_id) WHERE state <> 'decided' DO NOTHING`,
		uuid.NewString(), partnerID, userID, micros(t.now), consented, version)
	if err != nil {
		return c, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return c, errRetry
	}
	return t.CurrentCase(ctx, partnerID, userID)
}

// RecordConsent records that the user agreed to the consent text of the given version
// for the case, now; agreeing again (the text shown again) replaces the earlier record.
func (t *Tx) RecordConsent(ctx context.Context, caseID, version string) error {
	_, err := t.q.ExecContext(ctx, `UPDATE kyc_cases SET consented_at = $2, consent_version = $3 WHERE id = $1`,
		caseID, micros(t.now), version)
	return err
}

// HasConsent reports whether the user agreed to the consent text for a case: their
// current one, or an earlier one whose consent a new case carries over.
func (t *Tx) HasConsent(ctx context.Context, partnerID, userID string) (bool, error) {
	var n int
	err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM kyc_cases
		WHERE partner_id = $1 AND partner_user_id = $2 AND consented_at IS NOT NULL`, partnerID, userID).Scan(&n)
	return n > 0, err
}

// SetDocumentType records the document the user chose; changing it drops the images
// of the other document.
func (t *Tx) SetDocumentType(ctx context.Context, caseID, docType string) error {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM case_images WHERE case_id = $1 AND kind <> 'liveness'
		AND EXISTS (SELECT 1 FROM kyc_cases WHERE id = $1 AND document_type <> $2)`, caseID, docType); err != nil {
		return err
	}
	_, err := t.q.ExecContext(ctx, `UPDATE kyc_cases SET document_type = $2 WHERE id = $1`, caseID, docType)
	return err
}

// PutImages replaces the case's images of one kind (a retake) with imgs.
func (t *Tx) PutImages(ctx context.Context, caseID, kind string, imgs []Image) error {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM case_images WHERE case_id = $1 AND kind = $2`, caseID, kind); err != nil {
		return err
	}
	for _, im := range imgs {
		if _, err := t.q.ExecContext(ctx, `INSERT INTO case_images (id, case_id, partner_id, kind, frame, at_ms, step, content_type, width, height, quality, sealed, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			im.ID, caseID, im.PartnerID, kind, im.Frame, im.AtMS, im.Step, im.ContentType, im.Width, im.Height, nonEmptyJSON(im.QualityJSON), im.Sealed, micros(t.now)); err != nil {
			return err
		}
	}
	return nil
}

// SetLivenessDuration records how long the selfie sequence took.
func (t *Tx) SetLivenessDuration(ctx context.Context, caseID string, ms int) error {
	_, err := t.q.ExecContext(ctx, `UPDATE kyc_cases SET liveness_ms = $2 WHERE id = $1`, caseID, ms)
	return err
}

// CaseImages lists a case's images in kind/frame order; withData loads the sealed bytes.
func (t *Tx) CaseImages(ctx context.Context, caseID string, withData bool) ([]Image, error) {
	if !isID(caseID) {
		return nil, nil
	}
	cols := `id, case_id, partner_id, kind, frame, at_ms, step, content_type, width, height, quality, created_at`
	if withData {
		cols += `, sealed`
	}
	rows, err := t.q.QueryContext(ctx, `SELECT `+cols+` FROM case_images WHERE case_id = $1 ORDER BY kind, frame`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Image
	for rows.Next() {
		var im Image
		var created int64
		dest := []any{&im.ID, &im.CaseID, &im.PartnerID, &im.Kind, &im.Frame, &im.AtMS, &im.Step, &im.ContentType, &im.Width, &im.Height, &im.QualityJSON, &created}
		if withData {
			dest = append(dest, &im.Sealed)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		im.CreatedAt = time.UnixMicro(created).UTC()
		out = append(out, im)
	}
	return out, rows.Err()
}

// SubmitCase moves an open case to submitted; false if it was not open.
func (t *Tx) SubmitCase(ctx context.Context, caseID string) (bool, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE kyc_cases SET state = 'submitted', submitted_at = $2 WHERE id = $1 AND state = 'open'`, caseID, micros(t.now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func nonEmptyJSON(s string) string {
	if s == "" {
		return "[]"
	}
	return s
}

// ImageAAD is the associated data an image is sealed with: it binds the ciphertext to
// its row, so blobs cannot be swapped between images.
func ImageAAD(id string) []byte { return []byte("image:" + id) }
