package verify_test

import (
	"context"
	"slices"
	"testing"

	"github.com/rampart-id/rampart/face/facetest"
	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/liveness"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/store"
)

// TestRetryRedoesOnlyTheFailedStep: after a failure on the selfie alone, the next
// attempt carries the accepted document and needs only a new selfie; after a document
// failure the document must be photographed again. The failed attempt counts either way.
func TestRetryRedoesOnlyTheFailedStep(t *testing.T) {
	testenv.SkipUnderRace(t, "decides real captures with the face networks")
	if testing.Short() {
		t.Skip("runs the face networks on every case")
	}
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv := testserver.Start(t, dbURL)
		p := srv.NewPartner(t, "Acme")
		alice := testserver.Capture{Seed: 3}
		still := alice
		still.Selfie = func(c liveness.Challenge) []facetest.Frame { return facetest.StillPhotoVideo(alice.Portrait(t), c) }

		api := srv.Widget(t, p, "alice")
		if err := srv.SubmitCase(t, api, still); err != nil {
			t.Fatal(err)
		}
		prof := waitStatus(t, srv, p.PartnerID, "alice")
		if prof.Status != kyc.Failed || kyc.Redo(prof.FailureReasons).Document {
			t.Fatalf("first attempt: %+v, want a selfie-only failure", prof)
		}
		first, err := srv.Store.Read().LastDecidedCase(ctx, p.PartnerID, "alice")
		if err != nil {
			t.Fatal(err)
		}
		// The retry: a new selfie, no document upload.
		if err := srv.AnswerChallenge(t, api, alice); err != nil {
			t.Fatal(err)
		}
		if _, err := api.SubmitCase(ctx, &widgetv1.SubmitCaseRequest{}); err != nil {
			t.Fatalf("submit without re-uploading the document: %v", err)
		}
		prof = waitStatus(t, srv, p.PartnerID, "alice")
		if prof.Status != kyc.Verified || prof.AttemptsUsed != 1 {
			t.Fatalf("retry: %+v\n%+v", prof, caseChecks2(t, srv, p.PartnerID, "alice"))
		}
		second, err := srv.Store.Read().LastDecidedCase(ctx, p.PartnerID, "alice")
		if err != nil || second.ID == first.ID || second.DocumentsFrom != first.ID || second.DocumentType != first.DocumentType {
			t.Fatalf("retry case %+v (first %s): %v", second, first.ID, err)
		}
		kinds := func(caseID string) (ids, kinds []string) {
			imgs, err := srv.Store.Read().CaseImages(ctx, caseID, false)
			if err != nil {
				t.Fatal(err)
			}
			for _, im := range imgs {
				if im.Kind != store.ImageLiveness {
					ids, kinds = append(ids, im.ID), append(kinds, im.Kind)
				}
			}
			return ids, kinds
		}
		firstIDs, firstKinds := kinds(first.ID)
		secondIDs, secondKinds := kinds(second.ID)
		if !slices.Equal(firstKinds, secondKinds) || len(secondIDs) == 0 || slices.Equal(firstIDs, secondIDs) {
			t.Fatalf("carried document: first %v %v, second %v %v", firstKinds, firstIDs, secondKinds, secondIDs)
		}

		// A document failure: the next attempt has no document until one is uploaded.
		bob := testserver.Capture{Seed: 4}
		noDoc := bob
		noDoc.Front = facetest.Noise(1, 1600, 1000)
		api = srv.Widget(t, p, "bob")
		if err := srv.SubmitCase(t, api, noDoc); err != nil {
			t.Fatal(err)
		}
		if prof := waitStatus(t, srv, p.PartnerID, "bob"); prof.Status != kyc.Failed || !kyc.Redo(prof.FailureReasons).Document {
			t.Fatalf("bob: %+v, want a document failure", prof)
		}
		if err := srv.AnswerChallenge(t, api, bob); err != nil {
			t.Fatal(err)
		}
		if _, err := api.SubmitCase(ctx, &widgetv1.SubmitCaseRequest{}); err == nil {
			t.Fatal("a retry after a document failure was submitted without a document")
		}
		if err := srv.SubmitCase(t, api, bob); err != nil {
			t.Fatal(err)
		}
		if prof := waitStatus(t, srv, p.PartnerID, "bob"); prof.Status != kyc.Verified || prof.AttemptsUsed != 1 {
			t.Fatalf("bob's retry: %+v", prof)
		}
	})
}

func caseChecks2(t *testing.T, srv *testserver.Server, partnerID, user string) []store.Check {
	c, err := srv.Store.Read().LastDecidedCase(context.Background(), partnerID, user)
	if err != nil {
		t.Fatal(err)
	}
	checks, err := srv.Store.Read().Checks(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return checks
}
