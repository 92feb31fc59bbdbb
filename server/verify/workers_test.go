package verify_test

import (
	"context"
	"fmt"
	"image"
	"log/slog"
	"maps"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/imageintake"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/verify"
)

// submitQuick submits a case for user the way the widget's submit leaves it (profile
// pending, job queued), written straight into the store: a passport with only its back
// page, a small grey picture, and no selfie. The real checks decide it at once (failed:
// missing side, no selfie face; or what a test-mode suffix forces) because there is no
// portrait, data page or selfie frame to run the face and document models on, which
// keeps the worker tests fast, under the race detector too. The worker still loads,
// decrypts, decodes and checks the picture and commits the outcome like any case's;
// the widget's intake and the models are proved by the end-to-end tests.
func submitQuick(t *testing.T, srv *testserver.Server, partnerID, user string) (caseID string) {
	t.Helper()
	ctx := context.Background()
	grey := image.NewGray(image.Rect(0, 0, 64, 64))
	for i := range grey.Pix {
		grey.Pix[i] = 128
	}
	picture := testserver.JPEG(t, grey)
	must(t, srv.Store.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.OpenCase(ctx, partnerID, user)
		if err != nil {
			return err
		}
		caseID = c.ID
		if err := tx.SetDocumentType(ctx, c.ID, kyc.Passport); err != nil {
			return err
		}
		id := uuid.NewString()
		sealed, err := srv.Keys.Seal(picture, store.ImageAAD(id))
		if err != nil {
			return err
		}
		if err := tx.PutImages(ctx, c.ID, store.ImageBack, []store.Image{{ID: id, PartnerID: partnerID, Kind: store.ImageBack,
			ContentType: imageintake.TypeJPEG, Width: 64, Height: 64, Sealed: sealed}}); err != nil {
			return err
		}
		if ok, err := tx.SubmitCase(ctx, c.ID); err != nil || !ok {
			return fmt.Errorf("submit %s: %v %w", user, ok, err)
		}
		prof, err := tx.Profile(ctx, partnerID, user)
		if err != nil {
			return err
		}
		if _, err := tx.Transition(ctx, prof, store.Transition{To: kyc.Pending, CaseID: c.ID, Actor: "widget", Reason: "submitted"}); err != nil {
			return err
		}
		return tx.EnqueueVerification(ctx, c.ID)
	}))
	return caseID
}

// TestWorkersShareOneQueue: workers in goroutines, half of them through a second
// connection pool to the database as another process would be, drain a queue of cases
// at once. Each job is claimed once, ends done after one attempt, and its case is
// decided once, with the outcome its checks (or test-mode suffix) call for. The cases
// are submitQuick's, decided without the models, so that this runs under the race
// detector: it is the detector's view of claiming, lease renewal, committing and
// shutdown side by side. That the same worker decides real captures is proved by the
// end-to-end tests (they skip under the detector).
func TestWorkersShareOneQueue(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		srv := testserver.Start(t, dbURL, testserver.Options{Workers: -1})
		p := srv.NewPartner(t, "Acme")
		want := queueCases(t, srv, p.PartnerID, 24)
		ws := newWorkerPool(t, srv, dbURL, nil)
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		wait := ws.start(ctx, 4)
		ws.drain(t, srv)
		// Shutdown of idle workers: Run returns once its context ends.
		stop()
		wait()

		assertDecidedOnce(t, srv, p.PartnerID, want)
		claims := ws.claimsPerCase()
		if len(claims) != len(want) {
			t.Errorf("%d cases claimed, want %d", len(claims), len(want))
		}
		for id, n := range claims {
			if n != 1 {
				t.Errorf("case %s claimed %d times", id, n)
			}
		}
		ws.report(t)
	})
}

// TestWorkersStoppedMidQueueHandJobsBack: the workers are stopped while they drain the
// queue, one of them in the middle of a job and the others wherever they are; a second
// set of workers drains the rest. The jobs being worked on at the stop were handed back
// with their attempt uncounted, so every job still ends done after one attempt and
// every case is decided once. Cases as in TestWorkersShareOneQueue.
func TestWorkersStoppedMidQueueHandJobsBack(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		srv := testserver.Start(t, dbURL, testserver.Options{Workers: -1})
		p := srv.NewPartner(t, "Acme")
		want := queueCases(t, srv, p.PartnerID, 24)
		first, stopFirst := context.WithCancel(context.Background())
		defer stopFirst()
		var claimed atomic.Int32
		ws := newWorkerPool(t, srv, dbURL, func(context.Context, store.Job) {
			// The stop comes from inside a job: this one at least is mid-way.
			if claimed.Add(1) == int32(len(want)/3) {
				stopFirst()
			}
		})
		ws.start(first, 4)()
		if n := pendingJobs(t, srv); n == 0 {
			t.Fatal("the first workers drained the queue although stopped a third of the way")
		}
		second, stopSecond := context.WithCancel(context.Background())
		defer stopSecond()
		wait := ws.start(second, 4)
		ws.drain(t, srv)
		stopSecond()
		wait()

		assertDecidedOnce(t, srv, p.PartnerID, want)
		claims, total := ws.claimsPerCase(), 0
		for _, n := range claims {
			total += n
		}
		if len(claims) != len(want) || total <= len(want) {
			t.Errorf("%d claims of %d cases, want every case claimed and the stopped job(s) claimed again", total, len(claims))
		}
		ws.report(t)
	})
}

// queueCases submits n quick cases (submitQuick) and returns the status each user's
// should end in: failed as checked, or what the test-mode suffix forces (kyc.Pending:
// sent to review).
func queueCases(t *testing.T, srv *testserver.Server, partnerID string, n int) map[string]kyc.Status {
	want := map[string]kyc.Status{}
	for i := range n {
		user, status := fmt.Sprintf("u%02d", i), kyc.Failed
		switch i % 3 {
		case 1:
			user, status = user+"+verified", kyc.Verified
		case 2:
			user, status = user+"+review", kyc.Pending
		}
		want[user] = status
		submitQuick(t, srv, partnerID, user)
	}
	return want
}

// workerPool starts verification workers on one database, alternately through the
// test server's store and a second one (another process's connection pool), and
// records their claims through the Hold hook.
type workerPool struct {
	stores   [2]*store.Store
	keys     verify.Keys
	hold     func(context.Context, store.Job)
	logs     *testserver.SyncBuffer
	mu       sync.Mutex
	claims   map[string]int // case ID: claims
	byWorker map[string]int // worker ID: claims
	started  int
}

func newWorkerPool(t *testing.T, srv *testserver.Server, dbURL string, hold func(context.Context, store.Job)) *workerPool {
	t.Helper()
	other, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Close() })
	return &workerPool{stores: [2]*store.Store{srv.Store, other}, keys: srv.Keys, hold: hold, logs: &testserver.SyncBuffer{},
		claims: map[string]int{}, byWorker: map[string]int{}}
}

// start runs n workers until ctx ends; the returned func waits for them to return.
func (p *workerPool) start(ctx context.Context, n int) (wait func()) {
	var wg sync.WaitGroup
	for range n {
		id := fmt.Sprintf("w%d", p.started)
		w := &verify.Worker{Store: p.stores[p.started%2], Keys: p.keys, ID: id, Poll: 5 * time.Millisecond,
			Log: slog.New(slog.NewTextHandler(p.logs, nil)), Hold: func(ctx context.Context, j store.Job) {
				p.mu.Lock()
				p.claims[j.CaseID]++
				p.byWorker[id]++
				p.mu.Unlock()
				if p.hold != nil {
					p.hold(ctx, j)
				}
			}}
		p.started++
		wg.Go(func() { w.Run(ctx) })
	}
	return wg.Wait
}

// drain waits until no job is queued or running. The deadline only turns a hang into a
// failure with the workers' logs; it is far beyond what the cases take.
func (p *workerPool) drain(t *testing.T, srv *testserver.Server) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for pendingJobs(t, srv) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still pending; worker logs:\n%s", pendingJobs(t, srv), p.logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *workerPool) claimsPerCase() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.claims)
}

// report logs how the jobs spread over the workers, and their logs if the test failed.
func (p *workerPool) report(t *testing.T) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t.Logf("claims per worker: %v", p.byWorker)
	if t.Failed() {
		t.Logf("worker logs:\n%s", p.logs.String())
	}
}

// assertDecidedOnce checks every user's job ended done after one attempt and their
// case was decided once as want says, or left to a reviewer.
func assertDecidedOnce(t *testing.T, srv *testserver.Server, partnerID string, want map[string]kyc.Status) {
	t.Helper()
	for user, status := range want {
		j := jobOf(t, srv, partnerID, user)
		if j.State != "done" || j.Attempts != 1 {
			t.Errorf("%s: job %+v, want done after 1 attempt", user, j)
		}
		d := decisions(t, srv, partnerID, user)
		needs, _ := reviewOf(t, srv, partnerID, user)
		switch {
		case status == kyc.Pending && (len(d) != 0 || !needs):
			t.Errorf("%s: decisions %+v, in review %v; want left to a reviewer", user, d, needs)
		case status != kyc.Pending && (len(d) != 1 || d[0].To != status):
			t.Errorf("%s: decisions %+v, want one to %s", user, d, status)
		}
	}
}

// pendingJobs counts the jobs not yet done or abandoned.
func pendingJobs(t *testing.T, srv *testserver.Server) int {
	t.Helper()
	var n int
	if err := srv.Store.DB().QueryRow(`SELECT COUNT(*) FROM verification_jobs WHERE state IN ('queued', 'running')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
