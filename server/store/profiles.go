package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/rampart-id/rampart/kyc"
)

// ErrStale means a conditional update found the row changed since it was read: the
// caller's view is out of date and the transition did not happen.
var ErrStale = errors.New("store: profile changed concurrently")

// Profile is one user's KYC state at one partner.
type Profile struct {
	PartnerID      string
	PartnerUserID  string
	Status         kyc.Status
	AttemptsUsed   int
	FailureReasons []string
	Final          bool // failed with no retry allowed until an operator resets it
	VerifiedAt     time.Time
	UpdatedAt      time.Time
	Seq            int64 // bumped on every transition; orders webhook events per user
	Exists         bool
}

// Transition is a status change and who made it, for the append-only history.
type Transition struct {
	To             kyc.Status
	FailureReasons []string
	Final          bool
	UseAttempt     bool // a failed decision consumes one attempt
	ResetAttempts  bool
	CaseID         string
	Actor          string // widget, verifier, reviewer:<id>, operator
	Reason         string
}

// HistoryEntry is one recorded transition.
type HistoryEntry struct {
	From, To  kyc.Status
	CaseID    string
	Actor     string
	Reason    string
	CreatedAt time.Time
}

// Profile reads a user's profile; a user never seen is a not_started profile (Exists false).
func (t *Tx) Profile(ctx context.Context, partnerID, userID string) (Profile, error) {
	p := Profile{PartnerID: partnerID, PartnerUserID: userID, Status: kyc.NotStarted, FailureReasons: []string{}}
	if !isID(partnerID) {
		return p, nil // no such partner, so no such user
	}
	var reasons string
	var verified, updated sql.NullInt64
	err := t.q.QueryRowContext(ctx, `SELECT status, attempts_used, failure_reasons, final, verified_at, updated_at, seq
		FROM kyc_profiles WHERE partner_id = $1 AND partner_user_id = $2`, partnerID, userID).
		Scan(&p.Status, &p.AttemptsUsed, &reasons, &p.Final, &verified, &updated, &p.Seq)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	if err != nil {
		return p, err
	}
	p.Exists = true
	p.VerifiedAt, p.UpdatedAt = fromMicros(verified), fromMicros(updated)
	if reasons == "[]" {
		return p, nil // most profiles: no reasons, nothing to decode
	}
	if err := json.Unmarshal([]byte(reasons), &p.FailureReasons); err != nil {
		return p, err
	}
	return p, nil
}

// EnsureProfile creates the not_started profile row if it does not exist and returns it.
func (t *Tx) EnsureProfile(ctx context.Context, partnerID, userID string) (Profile, error) {
	if _, err := t.q.ExecContext(ctx, `INSERT INTO kyc_profiles (partner_id, partner_user_id, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $4) ON CONFLICT (partner_id, partner_user_id) DO NOTHING`,
		partnerID, userID, string(kyc.NotStarted), micros(t.now)); err != nil {
		return Profile{}, err
	}
	return t.Profile(ctx, partnerID, userID)
}

// Transition moves a profile from the state `from` was read in to tr.To. The update is
// conditional on the status and sequence being unchanged, so a concurrent transition
// makes this one fail with ErrStale instead of being lost. The history row is written in
// the same transaction.
func (t *Tx) Transition(ctx context.Context, from Profile, tr Transition) (Profile, error) {
	if !from.Exists {
		// Create the row but keep the caller's view (not_started, seq 0): if someone else
		// created and moved the profile meanwhile, the conditional update below refuses.
		if _, err := t.EnsureProfile(ctx, from.PartnerID, from.PartnerUserID); err != nil {
			return from, err
		}
		from.Exists = true
	}
	next := from
	next.Status, next.Final, next.Seq, next.UpdatedAt = tr.To, tr.Final, from.Seq+1, t.now
	next.FailureReasons = nonNil(tr.FailureReasons)
	if tr.UseAttempt {
		next.AttemptsUsed++
	}
	if tr.ResetAttempts {
		next.AttemptsUsed = 0
	}
	next.VerifiedAt = time.Time{}
	if tr.To == kyc.Verified {
		next.VerifiedAt = t.now
	}
	reasons, err := json.Marshal(next.FailureReasons)
	if err != nil {
		return from, err
	}
	res, err := t.q.ExecContext(ctx, `UPDATE kyc_profiles
		SET status = $3, attempts_used = $4, failure_reasons = $5, final = $6, verified_at = $7, updated_at = $8, seq = $9
		WHERE partner_id = $1 AND partner_user_id = $2 AND status = $10 AND seq = $11`,
		from.PartnerID, from.PartnerUserID, string(next.Status), next.AttemptsUsed, string(reasons), next.Final,
		nullMicros(next.VerifiedAt), micros(t.now), next.Seq, string(from.Status), from.Seq)
	if err != nil {
		return from, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return from, err
	} else if n != 1 {
		return from, ErrStale
	}
	var caseID sql.NullString
	if tr.CaseID != "" {
		caseID = sql.NullString{String: tr.CaseID, Valid: true}
	}
	if _, err := t.q.ExecContext(ctx, `INSERT INTO status_history (id, partner_id, partner_user_id, case_id, from_status, to_status, actor, reason, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		uuid.NewString(), from.PartnerID, from.PartnerUserID, caseID, string(from.Status), string(next.Status), tr.Actor, tr.Reason, micros(t.now)); err != nil {
		return from, err
	}
	// The webhook event is written in the same transaction as the change it reports
	// (transactional outbox): committed together or not at all.
	if err := t.enqueueStatusEvent(ctx, from, next); err != nil {
		return from, err
	}
	return next, nil
}

// History lists a user's transitions, oldest first.
func (t *Tx) History(ctx context.Context, partnerID, userID string) ([]HistoryEntry, error) {
	if !isID(partnerID) {
		return nil, nil
	}
	rows, err := t.q.QueryContext(ctx, `SELECT from_status, to_status, case_id, actor, reason, created_at FROM status_history
		WHERE partner_id = $1 AND partner_user_id = $2 ORDER BY created_at, id`, partnerID, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HistoryEntry
	for rows.Next() {
		var h HistoryEntry
		var caseID sql.NullString
		var at int64
		if err := rows.Scan(&h.From, &h.To, &caseID, &h.Actor, &h.Reason, &at); err != nil {
			return nil, err
		}
		h.CaseID, h.CreatedAt = caseID.String, time.UnixMicro(at).UTC()
		out = append(out, h)
	}
	return out, rows.Err()
}
