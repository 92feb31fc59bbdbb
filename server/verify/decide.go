package verify

import (
	"context"
	"strings"

	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/store"
)

// Decision is a final outcome for a submitted case, by the verifier or a reviewer.
type Decision struct {
	Outcome Outcome // Verified or Failed
	Reasons []string
	Final   bool   // Failed only: no retry until an operator resets the profile
	Actor   string // "verifier" or "reviewer:<name>"
	Note    string // a reviewer's words, kept in the history reason after the codes
}

// Apply closes a submitted case and moves its profile pending → verified | failed in
// the caller's transaction. Closing is conditional on the case still being submitted,
// so a case is decided once even when a worker and a reviewer race.
func Apply(ctx context.Context, tx *store.Tx, c store.Case, d Decision) (store.Profile, error) {
	closed, err := tx.CloseCase(ctx, c.ID, string(d.Outcome), d.Actor)
	if err != nil {
		return store.Profile{}, err
	}
	if !closed {
		return store.Profile{}, apierr.New(apierr.CaseNotOpen, "The case was already decided")
	}
	prof, err := tx.Profile(ctx, c.PartnerID, c.PartnerUserID)
	if err != nil {
		return prof, err
	}
	reason := strings.Join(d.Reasons, ",")
	if d.Note != "" {
		reason = strings.TrimPrefix(reason+": "+d.Note, ": ")
	}
	tr := store.Transition{CaseID: c.ID, Actor: d.Actor, Reason: reason}
	switch d.Outcome {
	case Verified:
		tr.To = kyc.Verified
	case Failed:
		tr.To, tr.FailureReasons, tr.Final, tr.UseAttempt = kyc.Failed, d.Reasons, d.Final, true
	default:
		return prof, apierr.Invalid("decision", "must be verified or failed")
	}
	return tx.Transition(ctx, prof, tr)
}

// TestOverride is the outcome a test-mode partner forces with a partner_user_id suffix
// (+verified, +fail, +review), applied after the real checks ran.
func TestOverride(testMode bool, userID string) (Outcome, bool) {
	if !testMode {
		return "", false
	}
	switch {
	case strings.HasSuffix(userID, "+verified"):
		return Verified, true
	case strings.HasSuffix(userID, "+fail"):
		return Failed, true
	case strings.HasSuffix(userID, "+review"):
		return InReview, true
	}
	return "", false
}
