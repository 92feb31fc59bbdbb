package widget_test

import (
	"context"
	"testing"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/liveness"
	"github.com/rampart-id/rampart/server/internal/testserver"
)

// TestLivenessChallengeBinding: the selfie step answers a challenge the server drew
// for the case, once, with capture times the server's clock allows; a case draws a
// bounded number of challenges.
func TestLivenessChallengeBinding(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv := testserver.Start(t, dbURL)
		p := srv.NewPartner(t, "Acme")
		api, _ := widgetFor(t, srv, p, "carol")

		req := livenessReq(t, api, 4)
		noID := livenessReq(t, api, 4)
		noID.ChallengeId = ""
		if _, err := api.SubmitLiveness(ctx, noID); slug(err) != "invalid_request" {
			t.Errorf("no challenge id: %v", err)
		}
		// Only the latest challenge counts: req's was replaced by noID's.
		if _, err := api.SubmitLiveness(ctx, req); slug(err) != "challenge_expired" {
			t.Errorf("replaced challenge: %v", err)
		}
		future := livenessReq(t, api, 4)
		future.Frames[3].AtMs = 60_000 // a minute of capture, a moment after the challenge
		if _, err := api.SubmitLiveness(ctx, future); slug(err) != "invalid_request" {
			t.Errorf("capture times ahead of the clock: %v", err)
		}
		backwards := livenessReq(t, api, 4)
		backwards.Frames[2].AtMs = 0
		if _, err := api.SubmitLiveness(ctx, backwards); slug(err) != "invalid_request" {
			t.Errorf("capture times out of order: %v", err)
		}
		good := livenessReq(t, api, 4)
		if _, err := api.SubmitLiveness(ctx, good); err != nil {
			t.Fatalf("answer: %v", err)
		}
		if _, err := api.SubmitLiveness(ctx, good); slug(err) != "challenge_expired" {
			t.Errorf("the same challenge answered twice: %v", err)
		}
		var challenge string
		if err := srv.Store.DB().QueryRow(`SELECT challenge FROM kyc_cases WHERE partner_user_id = 'carol'`).Scan(&challenge); err != nil {
			t.Fatal(err)
		}
		if _, err := liveness.Parse(challenge); err != nil {
			t.Errorf("stored challenge %q: %v", challenge, err)
		}

		// Draws are bounded per case: 5 so far, the rest of the allowance, then refusal.
		for i := 5; i < liveness.MaxPerCase; i++ {
			res, err := api.StartLiveness(ctx, &widgetv1.StartLivenessRequest{})
			if err != nil {
				t.Fatalf("challenge %d: %v", i+1, err)
			}
			if c, err := liveness.FromProto(res.GetMoves()); err != nil || len(c) < liveness.MinMoves {
				t.Fatalf("challenge %v: %v", res.GetMoves(), err)
			}
		}
		if _, err := api.StartLiveness(ctx, &widgetv1.StartLivenessRequest{}); err == nil || slug(err) != "rate_limit_exceeded" {
			t.Errorf("challenge %d: %v", liveness.MaxPerCase+1, err)
		}
	})
}
