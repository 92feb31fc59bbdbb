package store

import (
	"context"
	"time"
)

// Selfie challenges and face templates: what the liveness step and the duplicate-face
// check keep between requests.

// IssueChallenge binds a new challenge (id and moves) to an open case, replacing the
// earlier one, unless max were already issued for the case. It reports whether it did.
func (t *Tx) IssueChallenge(ctx context.Context, caseID, id, moves string, max int) (bool, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE kyc_cases SET challenge = $2, challenge_id = $3, challenge_at = $4,
		challenges_issued = challenges_issued + 1, challenge_answered = $5
		WHERE id = $1 AND state = 'open' AND challenges_issued < $6`, caseID, moves, id, micros(t.now), false, max)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// AnswerChallenge marks the case's current challenge answered if id names it, it was
// not answered yet and it was issued after notBefore. It reports whether it did; a
// challenge is answered once.
func (t *Tx) AnswerChallenge(ctx context.Context, caseID, id string, notBefore time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE kyc_cases SET challenge_answered = $3
		WHERE id = $1 AND state = 'open' AND challenge_id = $2 AND challenge_id <> '' AND challenge_answered = $4 AND challenge_at > $5`,
		caseID, id, true, false, micros(notBefore))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FaceTemplate is the sealed face descriptor of one checked case.
type FaceTemplate struct {
	CaseID        string
	PartnerUserID string
	Sealed        []byte
}

// FaceTemplateAAD binds a sealed template to its case.
func FaceTemplateAAD(caseID string) []byte { return []byte("face_template:" + caseID) }

// PutFaceTemplate stores (or replaces) the face template of a case; nothing when the
// user was redacted after the case was submitted.
func (t *Tx) PutFaceTemplate(ctx context.Context, caseID, partnerID, userID string, sealed []byte) error {
	if gone, err := t.erasedCase(ctx, caseID); err != nil || gone {
		return err // redacted while the case was being checked: nothing to keep
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO face_templates (case_id, partner_id, partner_user_id, sealed, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_id) DO UPDATE SET sealed = excluded.sealed`,
		caseID, partnerID, userID, sealed, micros(t.now))
	return err
}

// VerifiedFaceTemplates lists the face templates of the partner's verified users other
// than exceptUser, from the cases that verified them.
func (t *Tx) VerifiedFaceTemplates(ctx context.Context, partnerID, exceptUser string) ([]FaceTemplate, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT f.case_id, f.partner_user_id, f.sealed FROM face_templates f
		JOIN kyc_cases c ON c.id = f.case_id
		JOIN kyc_profiles p ON p.partner_id = f.partner_id AND p.partner_user_id = f.partner_user_id
		WHERE f.partner_id = $1 AND f.partner_user_id <> $2 AND p.status = 'verified' AND c.decision = 'verified'`,
		partnerID, exceptUser)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FaceTemplate
	for rows.Next() {
		var f FaceTemplate
		if err := rows.Scan(&f.CaseID, &f.PartnerUserID, &f.Sealed); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
