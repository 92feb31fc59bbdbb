package verify_test

import (
	"context"
	"fmt"
	"image"
	"log/slog"
	"strings"
	"sync"
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
		const cases, workers = 24, 4
		want := map[string]kyc.Status{} // kyc.Pending: sent to review
		for i := range cases {
			user, status := fmt.Sprintf("u%02d", i), kyc.Failed
			switch i % 3 {
			case 1:
				user, status = user+"+verified", kyc.Verified
			case 2:
				user, status = user+"+review", kyc.Pending
			}
			want[user] = status
			submitQuick(t, srv, p.PartnerID, user)
		}

		other, err := store.Open(context.Background(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = other.Close() }()

		var mu sync.Mutex
		claims := map[string]int{} // case ID: claims
		byWorker := map[string]int{}
		hold := func(_ context.Context, j store.Job) {
			mu.Lock()
			defer mu.Unlock()
			claims[j.CaseID]++
			byWorker[strings.SplitN(j.Owner, "/", 2)[0]]++
		}
		logs := &testserver.SyncBuffer{}
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		var wg sync.WaitGroup
		for i := range workers {
			st := srv.Store
			if i%2 == 1 {
				st = other
			}
			w := &verify.Worker{Store: st, Keys: srv.Keys, ID: fmt.Sprintf("w%d", i), Poll: 5 * time.Millisecond, Hold: hold,
				Log: slog.New(slog.NewTextHandler(logs, nil))}
			wg.Go(func() { w.Run(ctx) })
		}
		// Wait for the queue to drain. The deadline only turns a hang into a failure
		// with the workers' logs; it is far beyond what the cases take.
		deadline := time.Now().Add(3 * time.Minute)
		for pendingJobs(t, srv) > 0 {
			if time.Now().After(deadline) {
				stop()
				wg.Wait()
				t.Fatalf("%d jobs still pending; worker logs:\n%s", pendingJobs(t, srv), logs.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		// Shutdown of idle workers: Run returns once its context ends.
		stop()
		wg.Wait()

		for user, status := range want {
			j := jobOf(t, srv, p.PartnerID, user)
			if j.State != "done" || j.Attempts != 1 {
				t.Errorf("%s: job %+v, want done after 1 attempt", user, j)
			}
			d := decisions(t, srv, p.PartnerID, user)
			needs, _ := reviewOf(t, srv, p.PartnerID, user)
			switch {
			case status == kyc.Pending && (len(d) != 0 || !needs):
				t.Errorf("%s: decisions %+v, in review %v; want left to a reviewer", user, d, needs)
			case status != kyc.Pending && (len(d) != 1 || d[0].To != status):
				t.Errorf("%s: decisions %+v, want one to %s", user, d, status)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if len(claims) != cases {
			t.Errorf("%d cases claimed, want %d", len(claims), cases)
		}
		for id, n := range claims {
			if n != 1 {
				t.Errorf("case %s claimed %d times", id, n)
			}
		}
		t.Logf("jobs per worker: %v", byWorker)
		if t.Failed() {
			t.Logf("worker logs:\n%s", logs.String())
		}
	})
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
