package review

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/audit"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/verify"
)

// DecisionReasons are the reason codes a reviewer may fail a case with: the ones a
// user is shown in plain language, and the review reasons a reviewer confirms.
var DecisionReasons = append(slices.Clone(kyc.UserReasons),
	kyc.ReasonDuplicateIdentity, kyc.ReasonIdentityMismatch, kyc.ReasonSelfiePersonChange, kyc.ReasonFaceUncertain)

// MaxNoteLen bounds a reviewer's note.
const MaxNoteLen = 2000

// Decision is a reviewer's outcome for a case.
type Decision struct {
	Verified     bool
	Reason       string // failed: required, a kyc reason code (kyc/reasons.go)
	RetryAllowed bool   // failed: the user may try again (else final)
	Note         string // required, the reviewer's words; kept in the status history reason, never in the audit log (notes may hold personal data; redaction erases them)
}

// Decide decides a case waiting for review.
func (m *Manager) Decide(ctx context.Context, a Actor, caseID string, d Decision) (kyc.Status, error) {
	if err := may(a, false); err != nil {
		return "", err
	}
	note, err := checkNote(d.Note)
	if err != nil {
		return "", err
	}
	vd := verify.Decision{Actor: "reviewer:" + strings.TrimPrefix(a.ID, "operator:"), Note: note, Outcome: verify.Verified}
	detail := "verified"
	if !d.Verified {
		reason := strings.TrimSpace(d.Reason)
		if reason == "" {
			return "", apierr.Invalid("reason", "is required for a failed decision (e.g. document_expired)")
		}
		if !slices.Contains(DecisionReasons, reason) {
			return "", apierr.Invalid("reason", "is not a known reason code (e.g. document_expired)")
		}
		vd.Outcome, vd.Reasons, vd.Final = verify.Failed, []string{reason}, !d.RetryAllowed
		detail = "failed " + reason + " retry"
		if vd.Final {
			detail = "failed " + reason + " final"
		}
	}
	var prof store.Profile
	err = m.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := caseByID(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if c.State != store.CaseSubmitted {
			return apierr.New(apierr.CaseNotOpen, "The case is not waiting for a decision")
		}
		if prof, err = verify.Apply(ctx, tx, c, vd); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, a.Entry(audit.CaseDecide, c.ID, c.PartnerID, c.PartnerUserID, detail))
	})
	return prof.Status, err
}

// Reset gives a user with a failed profile a fresh set of attempts; note says why
// (kept in the history, not in the audit log).
func (m *Manager) Reset(ctx context.Context, a Actor, partnerID, userID, note string) (kyc.Status, error) {
	if err := may(a, false); err != nil {
		return "", err
	}
	partnerID, ok := store.CanonicalID(partnerID)
	if !ok {
		return "", apierr.Invalid("partner_id", "must be a partner id (a UUID)")
	}
	if err := kyc.ValidateUserID(userID); err != nil {
		return "", fieldErr(err)
	}
	note, err := checkNote(note)
	if err != nil {
		return "", err
	}
	var prof store.Profile
	err = m.store.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.Profile(ctx, partnerID, userID)
		if err != nil {
			return err
		}
		if !p.Exists {
			return apierr.New(apierr.NotFound, "No such profile")
		}
		if p.Status != kyc.Failed {
			return apierr.New(apierr.CaseNotOpen, "Only a failed profile can be reset (it is %s)", p.Status)
		}
		if prof, err = tx.Transition(ctx, p, store.Transition{To: kyc.NotStarted, ResetAttempts: true, Actor: a.ID, Reason: note}); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, a.Entry(audit.ProfileReset, "", partnerID, userID, "reset"))
	})
	return prof.Status, err
}

func checkNote(note string) (string, error) {
	note = strings.TrimSpace(note)
	switch {
	case note == "":
		return "", apierr.Invalid("note", "is required: say why, in your own words")
	case len(note) > MaxNoteLen || !utf8.ValidString(note):
		return "", apierr.Invalid("note", "must be valid text of at most 2000 bytes")
	}
	return note, nil
}
