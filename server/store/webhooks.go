package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// EventStatusChanged is the webhook event every status transition emits.
const EventStatusChanged = "kyc.status_changed"

// Delivery states of an outbox event.
const (
	WebhookPending   = "pending"   // waiting for its next attempt (or being sent now)
	WebhookDelivered = "delivered" // a 2xx was received
	WebhookFailed    = "failed"    // gave up: no 2xx within the retry window
)

// WebhookEvent is one outbox row.
type WebhookEvent struct {
	ID            string // msg_…: the webhook-id, the same on every retry
	PartnerID     string
	PartnerUserID string
	Type          string
	Seq           int64
	Payload       []byte // the exact body sent, built once at enqueue
	State         string
	Attempts      int // in the current retry window
	NextAttemptAt time.Time
	RetryFrom     time.Time // start of the retry window: creation or the last redelivery
	LastStatus    int
	LastError     string
	CreatedAt     time.Time
	DeliveredAt   time.Time
}

// WebhookDelivery is a claimed event with what sending it needs.
type WebhookDelivery struct {
	WebhookEvent
	LeaseToken         string // identifies this claim when the outcome is recorded
	URL                string // the partner's webhook URL now (it may have changed since enqueue)
	Secret             []byte // sealed, AAD "webhook:"+PartnerID
	OldSecret          []byte // sealed likewise; nil when there is none
	OldSecretExpiresAt time.Time
	TestMode           bool // a test-mode partner's: local receivers allowed
}

// WebhookResult is the outcome of one delivery attempt.
type WebhookResult struct {
	State         string    // WebhookDelivered, WebhookPending (retry at NextAttemptAt) or WebhookFailed
	NextAttemptAt time.Time // for WebhookPending
	StatusCode    int       // 0 when no response arrived
	Error         string    // short, without payload or secrets
}

// statusEvent is the body of a kyc.status_changed event; field order is the wire order.
type statusEvent struct {
	Type      string          `json:"type"`
	Timestamp string          `json:"timestamp"`
	Data      statusEventData `json:"data"`
}

type statusEventData struct {
	PartnerUserID     string   `json:"partner_user_id"`
	Status            string   `json:"status"`
	PreviousStatus    string   `json:"previous_status"`
	VerifiedAt        *string  `json:"verified_at"`
	FailureReasons    []string `json:"failure_reasons"`
	AttemptsRemaining int      `json:"attempts_remaining"`
	Sequence          int64    `json:"sequence"`
}

// enqueueStatusEvent writes the kyc.status_changed outbox row for a transition, in the
// transaction of the transition, when the partner has a webhook URL.
func (t *Tx) enqueueStatusEvent(ctx context.Context, before, after Profile) error {
	var url string
	var maxAttempts int
	if err := t.q.QueryRowContext(ctx, `SELECT webhook_url, max_attempts FROM partners WHERE id = $1`, after.PartnerID).
		Scan(&url, &maxAttempts); err != nil {
		return fmt.Errorf("webhook outbox: partner: %w", err)
	}
	if url == "" {
		return nil
	}
	remaining := 0
	if !after.Final {
		remaining = max(0, maxAttempts-after.AttemptsUsed)
	}
	ev := statusEvent{Type: EventStatusChanged, Timestamp: t.now.UTC().Format(time.RFC3339), Data: statusEventData{
		PartnerUserID: after.PartnerUserID, Status: string(after.Status), PreviousStatus: string(before.Status),
		FailureReasons: nonNil(after.FailureReasons), AttemptsRemaining: remaining, Sequence: after.Seq,
	}}
	if !after.VerifiedAt.IsZero() {
		v := after.VerifiedAt.UTC().Format(time.RFC3339)
		ev.Data.VerifiedAt = &v
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	_, err = t.q.ExecContext(ctx, `INSERT INTO webhook_events (id, partner_id, partner_user_id, event_type, seq, payload, state,
		next_attempt_at, retry_from, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $8)`,
		"msg_"+rand.Text(), after.PartnerID, after.PartnerUserID, EventStatusChanged, after.Seq, body, WebhookPending, micros(t.now))
	return err
}

const webhookEventCols = `e.id, e.partner_id, e.partner_user_id, e.event_type, e.seq, e.payload, e.state, e.attempts,
	e.next_attempt_at, e.retry_from, e.last_status, e.last_error, e.created_at, e.delivered_at`

func scanWebhookEvent(row interface{ Scan(...any) error }, extra ...any) (WebhookEvent, error) {
	var e WebhookEvent
	var next, from, created int64
	var delivered sql.NullInt64
	err := row.Scan(append([]any{&e.ID, &e.PartnerID, &e.PartnerUserID, &e.Type, &e.Seq, &e.Payload, &e.State, &e.Attempts,
		&next, &from, &e.LastStatus, &e.LastError, &created, &delivered}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	e.NextAttemptAt, e.RetryFrom = time.UnixMicro(next).UTC(), time.UnixMicro(from).UTC()
	e.CreatedAt, e.DeliveredAt = time.UnixMicro(created).UTC(), fromMicros(delivered)
	return e, err
}

// ClaimWebhookEvents leases up to limit due events until now+lease, so that no other
// worker sends them meanwhile, and returns them with their partner's URL and secrets.
// An event waits while an earlier event of the same user is being sent or has not been
// tried yet: a healthy receiver gets each user's events in order. After a failed attempt
// later events no longer wait (the receiver orders them by sequence), so one undeliverable
// event cannot hold back a user's newer status for days.
func (t *Tx) ClaimWebhookEvents(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]WebhookDelivery, error) {
	q := `SELECT e.id FROM webhook_events e
		WHERE e.state = 'pending' AND e.next_attempt_at <= $1 AND e.lease_until <= $1
		AND NOT EXISTS (SELECT 1 FROM webhook_events b
			WHERE b.partner_id = e.partner_id AND b.partner_user_id = e.partner_user_id AND b.seq < e.seq
			AND b.state = 'pending' AND (b.attempts = 0 OR b.lease_until > $1))
		ORDER BY e.next_attempt_at, e.seq LIMIT $2`
	if t.dialect == Postgres {
		// Rows another worker's claim transaction holds are skipped, not waited for.
		q += ` FOR UPDATE SKIP LOCKED`
	}
	rows, err := t.q.QueryContext(ctx, q, micros(now), limit)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil || len(ids) == 0 {
		return nil, err
	}
	// The claim is conditional on the event still being due and unleased; on SQLite, which
	// has no row locks, this condition is what keeps two workers from taking one event.
	token := uuid.NewString()
	args := []any{token}
	for _, id := range ids {
		if _, err := t.q.ExecContext(ctx, `UPDATE webhook_events SET lease_token = $2, lease_until = $3, attempts = attempts + 1
			WHERE id = $1 AND state = 'pending' AND next_attempt_at <= $4 AND lease_until <= $4`,
			id, token, micros(now.Add(lease)), micros(now)); err != nil {
			return nil, err
		}
		args = append(args, id)
	}
	rows, err = t.q.QueryContext(ctx, `SELECT `+webhookEventCols+`, p.webhook_url, p.webhook_secret, p.webhook_secret_old, p.webhook_secret_old_expires_at, p.test_mode
		FROM webhook_events e JOIN partners p ON p.id = e.partner_id
		WHERE e.lease_token = $1 AND e.id IN (`+placeholders(2, len(ids))+`) ORDER BY e.next_attempt_at, e.seq`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []WebhookDelivery
	for rows.Next() {
		d := WebhookDelivery{LeaseToken: token}
		var oldExpires sql.NullInt64
		if d.WebhookEvent, err = scanWebhookEvent(rows, &d.URL, &d.Secret, &d.OldSecret, &oldExpires, &d.TestMode); err != nil {
			return nil, err
		}
		d.OldSecretExpiresAt = fromMicros(oldExpires)
		out = append(out, d)
	}
	return out, rows.Err()
}

// FinishWebhookAttempt records the outcome of attempt number `attempt` claimed with
// token, and releases the lease. It reports false, recording nothing, when the event
// changed meanwhile (redelivered, or another worker claimed it after the lease expired).
func (t *Tx) FinishWebhookAttempt(ctx context.Context, id, token string, attempt int, now time.Time, r WebhookResult) (bool, error) {
	var delivered sql.NullInt64
	if r.State == WebhookDelivered {
		delivered = nullMicros(now)
	}
	if len(r.Error) > 500 {
		r.Error = r.Error[:500]
	}
	if r.NextAttemptAt.IsZero() {
		r.NextAttemptAt = now // delivered or failed: no next attempt, but the column is NOT NULL
	}
	res, err := t.q.ExecContext(ctx, `UPDATE webhook_events SET state = $4, next_attempt_at = $5, last_status = $6, last_error = $7,
		delivered_at = COALESCE($8, delivered_at), lease_token = '', lease_until = 0
		WHERE id = $1 AND lease_token = $2 AND attempts = $3`,
		id, token, attempt, r.State, micros(r.NextAttemptAt), r.StatusCode, r.Error, delivered)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return n == 1, err
	}
	// Redelivered while in flight: keep the redelivery, just let the event be claimed again.
	_, err = t.q.ExecContext(ctx, `UPDATE webhook_events SET lease_token = '', lease_until = 0 WHERE id = $1 AND lease_token = $2`, id, token)
	return false, err
}

// RedeliverWebhookEvent makes an event due now again with a fresh retry window. It keeps
// its id and body, so the receiver sees a duplicate it can recognise.
func (t *Tx) RedeliverWebhookEvent(ctx context.Context, id string) error {
	res, err := t.q.ExecContext(ctx, `UPDATE webhook_events SET state = 'pending', attempts = 0, next_attempt_at = $2, retry_from = $2
		WHERE id = $1`, id, micros(t.now))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}

// RedeliverWebhookEvents does RedeliverWebhookEvent for every event of a partner created
// at or after since, and returns how many there were.
func (t *Tx) RedeliverWebhookEvents(ctx context.Context, partnerID string, since time.Time) (int64, error) {
	if !isID(partnerID) {
		return 0, nil
	}
	res, err := t.q.ExecContext(ctx, `UPDATE webhook_events SET state = 'pending', attempts = 0, next_attempt_at = $3, retry_from = $3
		WHERE partner_id = $1 AND created_at >= $2`, partnerID, micros(since), micros(t.now))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// WebhookEvents lists a partner's events created at or after since, oldest first.
func (t *Tx) WebhookEvents(ctx context.Context, partnerID string, since time.Time, limit int) ([]WebhookEvent, error) {
	if !isID(partnerID) {
		return nil, nil
	}
	rows, err := t.q.QueryContext(ctx, `SELECT `+webhookEventCols+` FROM webhook_events e
		WHERE e.partner_id = $1 AND e.created_at >= $2 ORDER BY e.created_at, e.partner_user_id, e.seq LIMIT $3`,
		partnerID, micros(since), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []WebhookEvent
	for rows.Next() {
		e, err := scanWebhookEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// RotateWebhookSecret makes secret (sealed) the partner's signing secret and keeps the
// current one as the old secret until oldExpires. An old secret still in its grace
// period is dropped: at most two secrets sign at any time.
func (t *Tx) RotateWebhookSecret(ctx context.Context, partnerID string, secret []byte, oldExpires time.Time) error {
	if !isID(partnerID) {
		return ErrNotFound
	}
	res, err := t.q.ExecContext(ctx, `UPDATE partners SET webhook_secret_old = webhook_secret, webhook_secret_old_expires_at = $3,
		webhook_secret = $2 WHERE id = $1`, partnerID, secret, micros(oldExpires))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}

// PurgeWebhookEvents deletes finished (delivered or failed) outbox events created before
// `before`: their bodies name users, and past retention they are no longer redelivered.
func (t *Tx) PurgeWebhookEvents(ctx context.Context, before time.Time) (int64, error) {
	res, err := t.q.ExecContext(ctx, `DELETE FROM webhook_events WHERE state IN ('delivered', 'failed') AND created_at < $1`, micros(before))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
