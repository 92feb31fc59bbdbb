// Package webhook delivers the webhook outbox that the store writes in the transaction of
// every status change. Deliveries are signed by the Standard Webhooks 1.0 scheme, retried
// with exponential backoff for a retry window of 3 days, and claimed with a lease so any
// number of server processes can run a Deliverer on one database.
package webhook

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/rampart-id/rampart/server/store"
)

// Defaults of a Deliverer.
const (
	DefaultTimeout      = 5 * time.Second      // per attempt
	DefaultRetryWindow  = 72 * time.Hour       // retry this long, then give up
	DefaultPollInterval = time.Second          // how often an idle Deliverer looks for due events
	DefaultLease        = time.Minute          // how long a claim keeps other workers off an event
	DefaultBatchSize    = 16                   // events claimed, and sent concurrently, at once
	maxBackoff          = 8 * time.Hour        // the backoff stops growing here
	minLeaseMargin      = 10 * time.Second     // a lease outlives the attempt by at least this
	userAgent           = "Rampart-Webhooks/1" // tells receivers who is calling
)

// Opener opens sealed secrets; *vault.Keyring is one.
type Opener interface {
	Open(envelope, associatedData []byte) ([]byte, error)
}

// Deliverer sends due outbox events to partners.
type Deliverer struct {
	store   *store.Store
	keys    Opener
	log     *slog.Logger
	live    *http.Client // live partners: public addresses only
	test    *http.Client // test-mode partners: any address (local receivers)
	poll    time.Duration
	timeout time.Duration
	lease   time.Duration
	window  time.Duration
	batch   int
	now     func() time.Time
	backoff func(attempt int) time.Duration
}

// Option configures a Deliverer.
type Option func(*Deliverer)

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(d *Deliverer) { d.log = l } }

// WithPollInterval sets how long an idle Deliverer waits between looks for due events.
func WithPollInterval(p time.Duration) Option { return func(d *Deliverer) { d.poll = p } }

// WithTimeout sets the per-attempt timeout (default 5 s).
func WithTimeout(t time.Duration) Option { return func(d *Deliverer) { d.timeout = t } }

// WithLease sets how long a claim lasts; it is raised to outlive the timeout.
func WithLease(l time.Duration) Option { return func(d *Deliverer) { d.lease = l } }

// WithRetryWindow sets how long after its creation (or redelivery) an event is retried.
func WithRetryWindow(w time.Duration) Option { return func(d *Deliverer) { d.window = w } }

// WithBatchSize sets how many events one pass claims and sends concurrently.
func WithBatchSize(n int) Option { return func(d *Deliverer) { d.batch = n } }

// WithClock replaces the clock (tests).
func WithClock(now func() time.Time) Option { return func(d *Deliverer) { d.now = now } }

// WithBackoff replaces the wait after failed attempt number n (1-based).
func WithBackoff(f func(attempt int) time.Duration) Option {
	return func(d *Deliverer) { d.backoff = f }
}

// New returns a Deliverer on st that opens partners' secrets with keys.
func New(st *store.Store, keys Opener, opts ...Option) *Deliverer {
	d := &Deliverer{store: st, keys: keys, log: slog.Default(), poll: DefaultPollInterval, timeout: DefaultTimeout,
		lease: DefaultLease, window: DefaultRetryWindow, batch: DefaultBatchSize, now: time.Now, backoff: Backoff}
	d.live, d.test = newClients()
	for _, o := range opts {
		o(d)
	}
	d.lease = max(d.lease, d.timeout+minLeaseMargin)
	d.batch = max(d.batch, 1)
	return d
}

// backoffSteps is the wait after the first, second, … failed attempt; then maxBackoff.
var backoffSteps = []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute,
	30 * time.Minute, time.Hour, 2 * time.Hour, 4 * time.Hour}

// Backoff is the default wait after failed attempt number n: 5 s, 30 s, 2 min, 10 min,
// 30 min, 1 h, 2 h, 4 h, then 8 h, each up to 20% longer at random so that a partner's
// backlog does not come back all at once when its endpoint recovers.
func Backoff(attempt int) time.Duration {
	d := maxBackoff
	if attempt >= 1 && attempt <= len(backoffSteps) {
		d = backoffSteps[attempt-1]
	}
	return d + rand.N(d/5+1)
}

// Run delivers due events until ctx is done, then waits for the attempts in flight (at
// most the timeout) so that shutdown does not turn them into failures.
func (d *Deliverer) Run(ctx context.Context) {
	for {
		n, err := d.DeliverDue(ctx)
		if err != nil && ctx.Err() == nil {
			d.log.Error("webhook: claiming due events", "error", err.Error())
		}
		if ctx.Err() != nil {
			return
		}
		if n > 0 {
			continue // delivering may have unblocked a user's next event; look again now
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(d.poll):
		}
	}
}

// DeliverDue claims the events due now, sends them concurrently, records the outcomes
// and returns how many it claimed.
func (d *Deliverer) DeliverDue(ctx context.Context) (int, error) {
	now := d.now()
	var batch []store.WebhookDelivery
	err := d.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		batch, err = tx.ClaimWebhookEvents(ctx, now, d.batch, d.lease)
		return err
	})
	if err != nil {
		return 0, err
	}
	// Claimed attempts are finished even if ctx ends now: each is bounded by the timeout.
	sendCtx := context.WithoutCancel(ctx)
	var wg sync.WaitGroup
	for _, ev := range batch {
		wg.Go(func() { d.deliver(sendCtx, ev) })
	}
	wg.Wait()
	return len(batch), nil
}

// deliver makes one attempt and records its outcome.
func (d *Deliverer) deliver(ctx context.Context, ev store.WebhookDelivery) {
	status, sendErr := d.send(ctx, ev)
	now := d.now()
	deadline := ev.RetryFrom.Add(d.window)
	res := store.WebhookResult{State: store.WebhookDelivered, StatusCode: status}
	if sendErr != nil {
		res.Error = sendErr.Error()
		if now.Before(deadline) {
			res.State, res.NextAttemptAt = store.WebhookPending, minTime(now.Add(d.backoff(ev.Attempts)), deadline)
		} else {
			res.State = store.WebhookFailed
		}
	}
	var recorded bool
	err := d.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		recorded, err = tx.FinishWebhookAttempt(ctx, ev.ID, ev.LeaseToken, ev.Attempts, now, res)
		return err
	})
	// Never log the body (it names the user) or the URL (it may carry the partner's token).
	log := d.log.With("event_id", ev.ID, "partner_id", ev.PartnerID, "attempt", ev.Attempts, "status_code", status)
	switch {
	case err != nil:
		// The lease runs out and the event is tried again: at least once, never lost.
		log.Error("webhook: recording the attempt failed", "outcome", res.State, "error", err.Error())
	case !recorded:
		log.Info("webhook: event was redelivered or reclaimed during the attempt; outcome not recorded", "outcome", res.State)
	case res.State == store.WebhookDelivered:
		log.Info("webhook delivered")
	case res.State == store.WebhookPending:
		log.Warn("webhook attempt failed", "error", res.Error, "next_attempt_at", res.NextAttemptAt.UTC().Format(time.RFC3339))
	default:
		log.Error("webhook failed: retry window over, giving up", "error", res.Error)
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
