package verify_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/verify"
)

// TestJobWhoseLeaseKeepsExpiringGoesToReview: every worker that claims the job freezes
// past its lease and another takes over. Each takeover counts as an attempt; once they
// are used up the case goes to manual review with verification_error instead of being
// claimed forever.
func TestJobWhoseLeaseKeepsExpiringGoesToReview(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv := testserver.Start(t, dbURL, testserver.Options{Workers: -1})
		p := srv.NewPartner(t, "Acme")
		submitQuick(t, srv, p.PartnerID, "stuck")
		events := webhookEvents(t, srv, p.PartnerID, "stuck")

		var claims []int
		var ahead time.Duration
		w := &verify.Worker{Store: srv.Store, Keys: srv.Keys, ID: "freezing", Lease: time.Minute}
		w.Hold = func(ctx context.Context, j store.Job) {
			claims = append(claims, j.Attempts)
			if len(claims) > verify.MaxJobAttempts {
				t.Errorf("claim %d: more attempts than allowed", len(claims))
				return
			}
			// Frozen past the lease (the store's clock jumps over it) while another
			// worker takes the job over.
			ahead += 2 * w.Lease
			skewClock(t, srv, ahead)
			if did, err := w.RunOnce(ctx); !did || err != nil {
				t.Errorf("takeover after claim %d: %v %v", j.Attempts, did, err)
			}
		}
		if did, err := w.RunOnce(ctx); !did || err != nil {
			t.Fatalf("first claim: %v %v", did, err)
		}
		if !slices.Equal(claims, []int{1, 2, 3}) {
			t.Fatalf("attempts of the claims that ran: %v, want [1 2 3]", claims)
		}
		assertGaveUp(t, srv, p.PartnerID, "stuck", "lease expired", events)
		if did, err := w.RunOnce(ctx); did || err != nil {
			t.Fatalf("the abandoned job was claimed again: %v %v", did, err)
		}
	})
}

// TestJobOverBudgetCountsAsFailedAttempt: work that outlasts the time budget is
// abandoned and counted like an error; after the last attempt the case goes to review.
func TestJobOverBudgetCountsAsFailedAttempt(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv := testserver.Start(t, dbURL, testserver.Options{Workers: -1})
		p := srv.NewPartner(t, "Acme")
		submitQuick(t, srv, p.PartnerID, "slow")
		events := webhookEvents(t, srv, p.PartnerID, "slow")

		// Slow work that honours its context: it ends when the budget does.
		w := &verify.Worker{Store: srv.Store, Keys: srv.Keys, ID: "slow", Budget: 50 * time.Millisecond,
			Hold: func(ctx context.Context, _ store.Job) { <-ctx.Done() }}
		for attempt := 1; attempt <= verify.MaxJobAttempts; attempt++ {
			skewClock(t, srv, time.Duration(attempt)*time.Hour) // past the retry backoff
			if did, err := w.RunOnce(ctx); !did || err != nil {
				t.Fatalf("attempt %d: %v %v", attempt, did, err)
			}
			j := jobOf(t, srv, p.PartnerID, "slow")
			if j.Attempts != attempt || !strings.Contains(j.LastError, "time budget exceeded") {
				t.Fatalf("after attempt %d: %+v", attempt, j)
			}
			if needs, _ := reviewOf(t, srv, p.PartnerID, "slow"); attempt < verify.MaxJobAttempts && (needs || j.State == "abandoned") {
				t.Fatalf("attempt %d of %d gave up already: %+v", attempt, verify.MaxJobAttempts, j)
			}
		}
		assertGaveUp(t, srv, p.PartnerID, "slow", "time budget exceeded", events)
	})
}

// TestSlowJobWithinBudgetKeepsItsLease: a job that takes longer than the lease but fits
// its budget is not taken over meanwhile (its worker renews the lease) and is decided
// in one attempt.
func TestSlowJobWithinBudgetKeepsItsLease(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv := testserver.Start(t, dbURL, testserver.Options{Workers: -1})
		p := srv.NewPartner(t, "Acme")
		submitQuick(t, srv, p.PartnerID, "lengthy")

		// Renewed every third of the lease: a renewal may come up to two thirds of a lease
		// late (a loaded machine) before another worker could take the job.
		const lease = 600 * time.Millisecond
		keys := &stallingKeys{Keys: srv.Keys, opening: make(chan struct{}), proceed: make(chan struct{})}
		slow := &verify.Worker{Store: srv.Store, Keys: keys, ID: "slow", Lease: lease}
		var wg sync.WaitGroup
		wg.Go(func() {
			if did, err := slow.RunOnce(ctx); !did || err != nil {
				t.Errorf("slow worker: %v %v", did, err)
			}
		})
		// The slow worker is in the middle of its checks, decrypting the case's picture,
		// for as long as another worker keeps trying to claim: three leases, each enough
		// for the job to be free without renewals.
		<-keys.opening
		other := &verify.Worker{Store: srv.Store, Keys: srv.Keys, ID: "other", Lease: lease}
		for start := time.Now(); time.Since(start) < 3*lease; time.Sleep(lease / 10) {
			if did, err := other.RunOnce(ctx); did || err != nil {
				t.Errorf("another worker took the job over: %v %v", did, err)
				break
			}
		}
		close(keys.proceed)
		wg.Wait()
		if j := jobOf(t, srv, p.PartnerID, "lengthy"); j.State != "done" || j.Attempts != 1 {
			t.Fatalf("job: %+v, want done after 1 attempt", j)
		}
		if d := decisions(t, srv, p.PartnerID, "lengthy"); len(d) != 1 {
			t.Fatalf("decisions: %+v", d)
		}
	})
}

// stallingKeys is the vault keyring with a slow Open (the decryption of a case's
// picture): it says when it is first called, then waits until proceed is closed.
type stallingKeys struct {
	verify.Keys
	opening, proceed chan struct{}
	once             sync.Once
}

func (k *stallingKeys) Open(envelope, associatedData []byte) ([]byte, error) {
	k.once.Do(func() { close(k.opening) })
	<-k.proceed
	return k.Keys.Open(envelope, associatedData)
}

// assertGaveUp checks a case automation gave up on: in the review queue for
// verification_error, the job abandoned after every attempt with why, the profile still
// pending and no new webhook event (no status changed).
func assertGaveUp(t *testing.T, srv *testserver.Server, partnerID, user, why string, eventsBefore int) {
	t.Helper()
	j := jobOf(t, srv, partnerID, user)
	if j.State != "abandoned" || j.Attempts != verify.MaxJobAttempts || !strings.Contains(j.LastError, why) {
		t.Errorf("job: %+v, want abandoned after %d attempts (%s)", j, verify.MaxJobAttempts, why)
	}
	needs, reasons := reviewOf(t, srv, partnerID, user)
	if !needs || !slices.Equal(reasons, []string{kyc.ReasonVerificationError}) {
		t.Errorf("review: %v %v, want queued for %s", needs, reasons, kyc.ReasonVerificationError)
	}
	prof, err := srv.Store.Read().Profile(context.Background(), partnerID, user)
	if err != nil || prof.Status != kyc.Pending {
		t.Errorf("profile: %+v %v, want pending", prof, err)
	}
	if d := decisions(t, srv, partnerID, user); len(d) != 0 {
		t.Errorf("decided anyway: %+v", d)
	}
	if n := webhookEvents(t, srv, partnerID, user); n != eventsBefore {
		t.Errorf("%d webhook events, want %d", n, eventsBefore)
	}
}

// skewClock runs the store's clock d ahead of real time until the test ends.
func skewClock(t *testing.T, srv *testserver.Server, d time.Duration) {
	srv.Store.SetClock(func() time.Time { return time.Now().Add(d) })
	t.Cleanup(func() { srv.Store.SetClock(time.Now) })
}

type jobRow struct {
	State     string
	Attempts  int
	LastError string
}

func jobOf(t *testing.T, srv *testserver.Server, partnerID, user string) jobRow {
	t.Helper()
	var j jobRow
	if err := srv.Store.DB().QueryRow(`SELECT j.state, j.attempts, j.last_error FROM verification_jobs j JOIN kyc_cases c ON c.id = j.case_id
		WHERE c.partner_id = $1 AND c.partner_user_id = $2`, partnerID, user).Scan(&j.State, &j.Attempts, &j.LastError); err != nil {
		t.Fatal(err)
	}
	return j
}

func reviewOf(t *testing.T, srv *testserver.Server, partnerID, user string) (bool, []string) {
	t.Helper()
	var id string
	var needs bool
	if err := srv.Store.DB().QueryRow(`SELECT id, needs_review FROM kyc_cases WHERE partner_id = $1 AND partner_user_id = $2`,
		partnerID, user).Scan(&id, &needs); err != nil {
		t.Fatal(err)
	}
	reasons, err := srv.Store.Read().ReviewReasons(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return needs, reasons
}

func webhookEvents(t *testing.T, srv *testserver.Server, partnerID, user string) int {
	t.Helper()
	var n int
	if err := srv.Store.DB().QueryRow(`SELECT COUNT(*) FROM webhook_events WHERE partner_id = $1 AND partner_user_id = $2`,
		partnerID, user).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestShutdownMidJobDoesNotCountAnAttempt: a worker stopped mid-job hands the job back
// with its attempt uncounted, so restarts (deploys) never push a case into review.
func TestShutdownMidJobDoesNotCountAnAttempt(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		srv := testserver.Start(t, dbURL, testserver.Options{Workers: -1})
		p := srv.NewPartner(t, "Acme")
		submitQuick(t, srv, p.PartnerID, "u")

		ctx, stop := context.WithCancel(context.Background())
		stopping := &verify.Worker{Store: srv.Store, Keys: srv.Keys, ID: "stopping",
			Hold: func(context.Context, store.Job) { stop() }}
		if did, err := stopping.RunOnce(ctx); !did || err != nil {
			t.Fatalf("stopped worker: %v %v", did, err)
		}
		if j := jobOf(t, srv, p.PartnerID, "u"); j.Attempts != 0 {
			t.Fatalf("after the shutdown: %+v, want the attempt handed back", j)
		}
		// Handed back, not left leased: the next worker takes it at once.
		next := &verify.Worker{Store: srv.Store, Keys: srv.Keys, ID: "next"}
		if did, err := next.RunOnce(context.Background()); !did || err != nil {
			t.Fatalf("next worker: %v %v", did, err)
		}
		if j := jobOf(t, srv, p.PartnerID, "u"); j.State != "done" || j.Attempts != 1 {
			t.Fatalf("job: %+v, want done after 1 attempt", j)
		}
	})
}
