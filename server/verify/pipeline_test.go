package verify_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"

	reviewv1 "github.com/rampart-id/rampart/gen/rampart/review/v1"
	"github.com/rampart-id/rampart/gen/rampart/review/v1/reviewv1connect"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/quality/qualitytest"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/verify"
	"github.com/rampart-id/rampart/wasm/rpc"
)

// waitStatus polls the profile until it leaves pending (or 20 s pass).
func waitStatus(t *testing.T, srv *testserver.Server, partnerID, user string) store.Profile {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		p, err := srv.Store.Read().Profile(context.Background(), partnerID, user)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != kyc.Pending && p.Status != kyc.NotStarted || time.Now().After(deadline) {
			return p
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func decisions(t *testing.T, srv *testserver.Server, partnerID, user string) []store.HistoryEntry {
	h, err := srv.Store.Read().History(context.Background(), partnerID, user)
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(h, func(e store.HistoryEntry) bool { return e.To == kyc.Pending })
}

func TestPipelineVerifiesFailsAndExhaustsAttempts(t *testing.T) {
	testenv.SkipUnderRace(t, "decides real captures with the face and document models")
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		srv := testserver.Start(t, dbURL)
		p := srv.NewPartner(t, "Acme")

		// A good capture is verified automatically.
		good := srv.Widget(t, p, "good")
		if err := srv.SubmitCase(t, good, testserver.Capture{Seed: 1}); err != nil {
			t.Fatal(err)
		}
		if prof := waitStatus(t, srv, p.PartnerID, "good"); prof.Status != kyc.Verified {
			t.Fatalf("good capture: %+v", prof)
		}
		checks := caseChecks(t, srv, p.PartnerID, "good")
		if len(checks) < 10 {
			t.Errorf("only %d checks stored", len(checks))
		}

		// A blurry document fails with a readable reason; retries consume attempts until
		// the failure is final; a fixed capture in between would have passed.
		w := srv.Widget(t, p, "shaky")
		for attempt := 1; attempt <= 3; attempt++ {
			if err := srv.SubmitCase(t, w, testserver.Capture{Seed: 2, Front: qualitytest.Blur(qualitytest.Document(5, 1600, 1000), 3)}); err != nil {
				t.Fatalf("attempt %d: %v", attempt, err)
			}
			prof := waitStatus(t, srv, p.PartnerID, "shaky")
			if prof.Status != kyc.Failed || !slices.Contains(prof.FailureReasons, "image_blurry") || prof.AttemptsUsed != attempt {
				t.Fatalf("attempt %d: %+v", attempt, prof)
			}
		}
		err := srv.SubmitCase(t, w, testserver.Capture{Seed: 3})
		var re *rpc.Error
		if !errors.As(err, &re) || re.Slug != "case_not_open" {
			t.Fatalf("fourth attempt after 3 failures: %v", err)
		}
		if n := len(decisions(t, srv, p.PartnerID, "shaky")); n != 3 {
			t.Errorf("%d decisions recorded, want 3", n)
		}
	})
}

func TestTestModeSuffixesAndReview(t *testing.T) {
	testenv.SkipUnderRace(t, "decides real captures with the face and document models")
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv := testserver.Start(t, dbURL)
		p := srv.NewPartner(t, "Acme")
		for user, want := range map[string]kyc.Status{"a+verified": kyc.Verified, "b+fail": kyc.Failed} {
			if err := srv.SubmitCase(t, srv.Widget(t, p, user), testserver.Capture{Seed: 7}); err != nil {
				t.Fatal(err)
			}
			if prof := waitStatus(t, srv, p.PartnerID, user); prof.Status != want {
				t.Errorf("%s: %s", user, prof.Status)
			}
		}
		if err := srv.SubmitCase(t, srv.Widget(t, p, "c+review"), testserver.Capture{Seed: 8}); err != nil {
			t.Fatal(err)
		}
		// The review case stays pending and shows up in the queue.
		tok, hash := srv.App.Auth.Tokens.New(auth.PrefixOperator)
		must(t, srv.Store.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreateOperatorToken(ctx, hash, store.Operator{Name: "rita", Role: store.RoleReviewer}, time.Now().Add(time.Hour))
		}))
		rc := reviewv1connect.NewReviewServiceClient(http.DefaultClient, srv.URL)
		call := func(r connect.AnyRequest) { r.Header().Set("Authorization", "Bearer "+tok) }
		var queue *reviewv1.ListQueueResponse
		for i := 0; i < 200; i++ {
			req := connect.NewRequest(&reviewv1.ListQueueRequest{})
			call(req)
			res, err := rc.ListQueue(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if queue = res.Msg; len(queue.GetCases()) > 0 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if len(queue.GetCases()) != 1 || queue.GetCases()[0].GetPartnerUserId() != "c+review" {
			t.Fatalf("queue: %v", queue)
		}
		caseID := queue.GetCases()[0].GetCaseId()
		greq := connect.NewRequest(&reviewv1.GetCaseRequest{CaseId: caseID})
		call(greq)
		got, err := rc.GetCase(ctx, greq)
		if err != nil {
			t.Fatal(err)
		}
		// Front, back and the selfie frames (two per move after two straight ahead).
		if n := len(got.Msg.GetImages()); n != 8 && n != 10 || len(got.Msg.GetImages()[0].GetData()) == 0 || len(got.Msg.GetChecks()) == 0 {
			t.Fatalf("case: %d images, %d checks", len(got.Msg.GetImages()), len(got.Msg.GetChecks()))
		}
		if got.Msg.GetImages()[0].GetData()[0] != 0xFF {
			t.Error("images are not decrypted for the reviewer")
		}
		// Without a token: unauthorized. With one: decide, once.
		if _, err := rc.ListQueue(ctx, connect.NewRequest(&reviewv1.ListQueueRequest{})); connect.CodeOf(err) != connect.CodeUnauthenticated {
			t.Errorf("no operator token: %v", err)
		}
		dreq := connect.NewRequest(&reviewv1.DecideCaseRequest{CaseId: caseID, Decision: reviewv1.Decision_DECISION_FAILED, Reason: "document_expired", Note: "expired in 2020"})
		call(dreq)
		if res, err := rc.DecideCase(ctx, dreq); err != nil || res.Msg.GetStatus() != kyc.Failed.Proto() {
			t.Fatalf("decide: %v %v", res, err)
		}
		if _, err := rc.DecideCase(ctx, dreq); connect.CodeOf(err) != connect.CodeFailedPrecondition {
			t.Errorf("second decision: %v", err)
		}
		prof, _ := srv.Store.Read().Profile(ctx, p.PartnerID, "c+review")
		if !prof.Final || prof.FailureReasons[0] != "document_expired" {
			t.Errorf("final failure: %+v", prof)
		}
		// An operator reset gives the user a fresh start.
		rreq := connect.NewRequest(&reviewv1.ResetProfileRequest{PartnerId: p.PartnerID, PartnerUserId: "c+review", Reason: "support ticket 42"})
		call(rreq)
		if res, err := rc.ResetProfile(ctx, rreq); err != nil || res.Msg.GetStatus() != kyc.NotStarted.Proto() {
			t.Fatalf("reset: %v %v", res, err)
		}
		h := decisions(t, srv, p.PartnerID, "c+review")
		if last := h[len(h)-1]; last.Actor != "operator:rita" || last.To != kyc.NotStarted {
			t.Errorf("history: %+v", h)
		}
	})
}

// TestLeaseExpiryDecidesOnce: a worker stalls past its lease, another takes the job over
// and decides; the stalled one's late commit is refused.
func TestLeaseExpiryDecidesOnce(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv := testserver.Start(t, dbURL, testserver.Options{Workers: -1})
		p := srv.NewPartner(t, "Acme")
		submitQuick(t, srv, p.PartnerID, "u")
		release := make(chan struct{})
		stalled := &verify.Worker{Store: srv.Store, Keys: srv.Keys, ID: "stalled", Lease: 300 * time.Millisecond,
			Hold: func(context.Context, store.Job) { <-release }}
		var wg sync.WaitGroup
		wg.Go(func() {
			if did, err := stalled.RunOnce(ctx); !did || err != nil {
				t.Errorf("stalled worker: %v %v", did, err)
			}
		})
		time.Sleep(600 * time.Millisecond) // the lease runs out
		fresh := &verify.Worker{Store: srv.Store, Keys: srv.Keys, ID: "fresh"}
		if did, err := fresh.RunOnce(ctx); !did || err != nil {
			t.Fatalf("fresh worker: %v %v", did, err)
		}
		close(release)
		wg.Wait()
		// Decided once, as the quick case's checks call for.
		if d := decisions(t, srv, p.PartnerID, "u"); len(d) != 1 || d[0].To != kyc.Failed {
			t.Fatalf("decisions: %+v", d)
		}
	})
}

func caseChecks(t *testing.T, srv *testserver.Server, partnerID, user string) []store.Check {
	var caseID string
	if err := srv.Store.DB().QueryRow(`SELECT id FROM kyc_cases WHERE partner_id = $1 AND partner_user_id = $2`, partnerID, user).Scan(&caseID); err != nil {
		t.Fatal(err)
	}
	c, err := srv.Store.Read().Checks(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
