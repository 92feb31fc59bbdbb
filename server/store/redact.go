package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/quality"
)

// EventRedacted is the webhook event a user's redaction emits (once).
const EventRedacted = "kyc.redacted"

// RedactedReason replaces free text in the status history (reviewer notes may name people).
const RedactedReason = "redacted"

// Redaction is the outcome of RedactUser.
type Redaction struct {
	RedactedAt time.Time // when the user was first redacted
	First      bool      // this call did it (false: a repeat, which changed nothing)
}

// historyCodes are the reasons the status history holds that are codes, not words: they
// stay through redaction. A reason is kept when each of its comma-separated parts is one.
var historyCodes = map[string]bool{"submitted": true}

func init() {
	for _, c := range append(slices.Clone(kyc.AllReasons), quality.Reasons...) {
		historyCodes[c] = true
	}
}

// isCodeReason reports whether a history reason is empty or made only of codes.
func isCodeReason(r string) bool {
	if r == "" || r == RedactedReason {
		return true
	}
	for _, part := range strings.Split(r, ",") {
		if !historyCodes[part] {
			return false
		}
	}
	return true
}

// RedactUser erases a user's personal data at a partner from every table: image bytes
// and their perceptual hashes, face templates, extracted and expected identities,
// document keys, sessions (email, client IP, order) with their widget tokens and handoff
// codes, idempotency records (their sealed responses hold the order), job errors and the
// free text of the status history. The profile, its status history (codes only), cases,
// checks, webhook events (their bodies hold no personal data) and the audit log stay.
// The first call stamps the profile, bumps its sequence and enqueues kyc.redacted; a
// repeat erases whatever arrived since (normally nothing) and enqueues nothing.
// ErrNotFound when the partner has never seen the user.
func (t *Tx) RedactUser(ctx context.Context, partnerID, userID string) (Redaction, error) {
	if !isID(partnerID) || userID == "" {
		return Redaction{}, ErrNotFound
	}
	prof, err := t.Profile(ctx, partnerID, userID)
	if err != nil {
		return Redaction{}, err
	}
	if !prof.Exists {
		// A user who only had sessions (never opened the widget) has no profile yet.
		var n int
		if err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE partner_id = $1 AND partner_user_id = $2`,
			partnerID, userID).Scan(&n); err != nil {
			return Redaction{}, err
		}
		if n == 0 {
			return Redaction{}, ErrNotFound
		}
		if prof, err = t.EnsureProfile(ctx, partnerID, userID); err != nil {
			return Redaction{}, err
		}
	}
	if err := t.eraseUser(ctx, partnerID, userID); err != nil {
		return Redaction{}, err
	}
	var at sql.NullInt64
	if err := t.q.QueryRowContext(ctx, `SELECT redacted_at FROM kyc_profiles WHERE partner_id = $1 AND partner_user_id = $2`,
		partnerID, userID).Scan(&at); err != nil {
		return Redaction{}, err
	}
	if at.Valid {
		return Redaction{RedactedAt: fromMicros(at)}, nil
	}
	// The sequence moves so that the event sorts after every status event before it.
	res, err := t.q.ExecContext(ctx, `UPDATE kyc_profiles SET redacted_at = $3, seq = $4
		WHERE partner_id = $1 AND partner_user_id = $2 AND seq = $5 AND redacted_at IS NULL`,
		partnerID, userID, micros(t.now), prof.Seq+1, prof.Seq)
	if err != nil {
		return Redaction{}, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return Redaction{}, err
	} else if n != 1 {
		return Redaction{}, errRetry // changed concurrently: run the whole transaction again
	}
	if err := t.enqueueRedactedEvent(ctx, partnerID, userID, prof.Seq+1); err != nil {
		return Redaction{}, err
	}
	return Redaction{RedactedAt: t.now.UTC().Truncate(time.Microsecond), First: true}, nil
}

// RedactedAt is when the user was redacted (zero: never).
func (t *Tx) RedactedAt(ctx context.Context, partnerID, userID string) (time.Time, error) {
	if !isID(partnerID) {
		return time.Time{}, nil
	}
	var at sql.NullInt64
	err := t.q.QueryRowContext(ctx, `SELECT redacted_at FROM kyc_profiles WHERE partner_id = $1 AND partner_user_id = $2`,
		partnerID, userID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return fromMicros(at), err
}

func (t *Tx) eraseUser(ctx context.Context, p, u string) error {
	cases := `(SELECT id FROM kyc_cases WHERE partner_id = $1 AND partner_user_id = $2)`
	open := `(SELECT id FROM kyc_cases WHERE partner_id = $1 AND partner_user_id = $2 AND state = 'open')`
	stmts := []string{
		// A case still being captured loses its pictures outright, so a returning user
		// uploads again; a submitted or decided one keeps the rows (kind, size, quality).
		`DELETE FROM case_images WHERE case_id IN ` + open,
		`UPDATE case_images SET sealed = NULL, phash = 0 WHERE case_id IN ` + cases + ` AND (sealed IS NOT NULL OR phash <> 0)`,
		`DELETE FROM face_templates WHERE case_id IN ` + cases,
		`DELETE FROM face_templates WHERE partner_id = $1 AND partner_user_id = $2`,
		`DELETE FROM case_identities WHERE case_id IN ` + cases,
		`DELETE FROM case_identities WHERE partner_id = $1 AND partner_user_id = $2`,
		`DELETE FROM document_keys WHERE case_id IN ` + cases,
		`DELETE FROM document_keys WHERE partner_id = $1 AND partner_user_id = $2`,
		`DELETE FROM expected_identities WHERE partner_id = $1 AND partner_user_id = $2`,
		`DELETE FROM handoff_codes WHERE partner_id = $1 AND partner_user_id = $2`,
		`DELETE FROM handoff_codes WHERE session_id IN (SELECT id FROM sessions WHERE partner_id = $1 AND partner_user_id = $2)`,
		`DELETE FROM widget_tokens WHERE session_id IN (SELECT id FROM sessions WHERE partner_id = $1 AND partner_user_id = $2)`,
		`DELETE FROM widget_tokens WHERE partner_id = $1 AND partner_user_id = $2`,
		`DELETE FROM sessions WHERE partner_id = $1 AND partner_user_id = $2`,
		`DELETE FROM idempotency_keys WHERE partner_id = $1 AND partner_user_id = $2`,
		`UPDATE verification_jobs SET last_error = '' WHERE case_id IN ` + cases + ` AND last_error <> ''`,
	}
	for _, s := range stmts {
		if _, err := t.q.ExecContext(ctx, s, p, u); err != nil {
			return fmt.Errorf("redact: %w", err)
		}
	}
	if _, err := t.q.ExecContext(ctx, `UPDATE kyc_cases SET purged_at = $3 WHERE partner_id = $1 AND partner_user_id = $2 AND state <> 'open' AND purged_at IS NULL`,
		p, u, micros(t.now)); err != nil {
		return err
	}
	return t.redactHistory(ctx, p, u)
}

// redactHistory replaces every history reason that is not made of codes.
func (t *Tx) redactHistory(ctx context.Context, p, u string) error {
	rows, err := t.q.QueryContext(ctx, `SELECT id, reason FROM status_history WHERE partner_id = $1 AND partner_user_id = $2`, p, u)
	if err != nil {
		return err
	}
	redacted := map[string]string{}
	for rows.Next() {
		var id, reason string
		if err := rows.Scan(&id, &reason); err != nil {
			rows.Close()
			return err
		}
		if r, changed := redactReason(reason); changed {
			redacted[id] = r
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	for id, r := range redacted {
		if _, err := t.q.ExecContext(ctx, `UPDATE status_history SET reason = $2 WHERE id = $1`, id, r); err != nil {
			return err
		}
	}
	return nil
}

// redactReason keeps a history reason's codes and drops its words: a reviewer's
// decision reads "codes: note", which becomes "codes: redacted".
func redactReason(r string) (string, bool) {
	if isCodeReason(r) {
		return r, false
	}
	if codes, _, ok := strings.Cut(r, ": "); ok && isCodeReason(codes) && codes != "" {
		out := codes + ": " + RedactedReason
		return out, out != r
	}
	return RedactedReason, true
}

// redactedEvent is the body of a kyc.redacted event; field order is the wire order.
type redactedEvent struct {
	Type      string `json:"type"`
	Timestamp string `json:"timestamp"`
	Data      struct {
		PartnerUserID string `json:"partner_user_id"`
		RedactedAt    string `json:"redacted_at"`
		Sequence      int64  `json:"sequence"`
	} `json:"data"`
}

// enqueueRedactedEvent writes the kyc.redacted outbox row when the partner has a webhook URL.
func (t *Tx) enqueueRedactedEvent(ctx context.Context, partnerID, userID string, seq int64) error {
	var url string
	if err := t.q.QueryRowContext(ctx, `SELECT webhook_url FROM partners WHERE id = $1`, partnerID).Scan(&url); err != nil {
		return fmt.Errorf("webhook outbox: partner: %w", err)
	}
	if url == "" {
		return nil
	}
	ev := redactedEvent{Type: EventRedacted, Timestamp: t.now.UTC().Format(time.RFC3339)}
	ev.Data.PartnerUserID, ev.Data.RedactedAt, ev.Data.Sequence = userID, t.now.UTC().Format(time.RFC3339), seq
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	_, err = t.q.ExecContext(ctx, `INSERT INTO webhook_events (id, partner_id, partner_user_id, event_type, seq, payload, state,
		next_attempt_at, retry_from, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $8)`,
		"msg_"+rand.Text(), partnerID, userID, EventRedacted, seq, body, WebhookPending, micros(t.now))
	return err
}

// erasedCase reports whether the user was redacted after the case was submitted: a
// verification that read the pictures before the redaction must not store what it
// derived from them after it.
func (t *Tx) erasedCase(ctx context.Context, caseID string) (bool, error) {
	var n int
	err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM kyc_cases c JOIN kyc_profiles p
		ON p.partner_id = c.partner_id AND p.partner_user_id = c.partner_user_id
		WHERE c.id = $1 AND p.redacted_at IS NOT NULL AND c.submitted_at IS NOT NULL AND p.redacted_at >= c.submitted_at`, caseID).Scan(&n)
	return n > 0, err
}
