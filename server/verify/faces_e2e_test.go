package verify_test

import (
	"image"
	"slices"
	"testing"
	"time"

	"github.com/rampart-id/rampart/face/facetest"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/liveness"
	"github.com/rampart-id/rampart/server/internal/testserver"
)

// TestFacesEndToEnd runs real people (faces of the demo photos) and the attacks on
// them through the real server, widget API to decision, on both stores.
func TestFacesEndToEnd(t *testing.T) {
	testenv.SkipUnderRace(t, "runs the face networks on every case")
	if testing.Short() {
		t.Skip("runs the face networks on every case")
	}
	ps, err := facetest.Portraits()
	if err != nil {
		t.Fatal(err)
	}
	a, b := ps[0].ID, ps[len(ps)-1].ID
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		srv := testserver.Start(t, dbURL)
		p := srv.NewPartner(t, "Acme")
		// The attacks on Alice go to another partner: at Acme, where she is verified,
		// her face under another user id is a duplicate and goes to review.
		q := srv.NewPartner(t, "Beta")
		submit := func(user string, c testserver.Capture) {
			t.Helper()
			pp := p
			if user != "alice" && user != "alice-again" {
				pp = q
			}
			if err := srv.SubmitCase(t, srv.Widget(t, pp, user), c); err != nil {
				t.Fatalf("%s: %v", user, err)
			}
		}
		// A genuine person: verified, with every check passed and the face matched.
		submit("alice", testserver.Capture{Person: a})
		if prof := waitStatus(t, srv, p.PartnerID, "alice"); prof.Status != kyc.Verified {
			t.Fatalf("genuine case: %+v\n%+v", prof, caseChecks(t, srv, p.PartnerID, "alice"))
		}
		for _, c := range caseChecks(t, srv, p.PartnerID, "alice") {
			if c.Result != "pass" {
				t.Errorf("genuine case, check %+v", c)
			}
		}

		alice := testserver.Capture{Person: a}.Portrait(t)
		passport := facetest.Passport(alice, 0)
		noise := func(liveness.Challenge) []facetest.Frame {
			imgs := make([]image.Image, 6)
			for i := range imgs {
				imgs[i] = facetest.Noise(int64(i), 640, 480)
			}
			return testserver.Pictures(imgs...)(nil)
		}
		attacks := []struct {
			user    string
			capture testserver.Capture
			want    []string // failure reasons, any of them
		}{
			{"bob-as-alice", testserver.Capture{Person: a, Selfie: func(c liveness.Challenge) []facetest.Frame {
				return facetest.LiveVideo(testserver.Capture{Person: b}.Portrait(t), c)
			}}, []string{kyc.ReasonFaceMismatch}},
			{"noise", testserver.Capture{Front: facetest.Noise(1, 1600, 1000), Selfie: noise}, []string{kyc.ReasonDocumentFace, kyc.ReasonSelfieFace}},
			{"printed-photo", testserver.Capture{Person: a, Selfie: func(c liveness.Challenge) []facetest.Frame {
				return facetest.StillPhotoVideo(alice, c)
			}}, []string{kyc.ReasonLivenessChallenge}},
			{"held-up-document", testserver.Capture{Person: a, Front: passport, Selfie: func(c liveness.Challenge) []facetest.Frame {
				return facetest.HeldUpDocumentVideo(passport, c)
			}}, []string{kyc.ReasonLivenessChallenge, kyc.ReasonSelfieFace}},
		}
		for _, at := range attacks {
			submit(at.user, at.capture)
		}
		for _, at := range attacks {
			prof := waitStatus(t, srv, q.PartnerID, at.user)
			if prof.Status != kyc.Failed || !slices.ContainsFunc(at.want, func(r string) bool { return slices.Contains(prof.FailureReasons, r) }) {
				t.Errorf("%s: %s %v, want failed with one of %v\n%+v", at.user, prof.Status, prof.FailureReasons, at.want, caseChecks(t, srv, q.PartnerID, at.user))
			}
		}

		// Alice again, under another user id: a human looks at it.
		submit("alice-again", testserver.Capture{Person: a, Seed: 5})
		deadline := time.Now().Add(60 * time.Second)
		for {
			needs, reasons := reviewOf(t, srv, p.PartnerID, "alice-again")
			if needs {
				if !slices.Contains(reasons, kyc.ReasonDuplicateIdentity) {
					t.Errorf("alice again: review for %v, want %s", reasons, kyc.ReasonDuplicateIdentity)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("alice again was not sent to review: %+v", caseChecks(t, srv, p.PartnerID, "alice-again"))
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}
