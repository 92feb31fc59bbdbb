package verify

import (
	"slices"
	"testing"
	"time"

	"github.com/rampart-id/rampart/document"
	"github.com/rampart-id/rampart/document/doctest"
	"github.com/rampart-id/rampart/face/facetest"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/liveness"
	"github.com/rampart-id/rampart/quality/qualitytest"
)

func reasons(r Result) map[string]bool {
	m := map[string]bool{}
	for _, x := range r.Reasons {
		m[x] = true
	}
	return m
}

func selfieFrames(fs []facetest.Frame) []Frame {
	out := make([]Frame, len(fs))
	for i, f := range fs {
		out[i] = Frame{Image: f.Image, AtMS: f.AtMS, Step: f.Step}
	}
	return out
}

// TestEvaluateFaces runs the checks on real faces (the demo photos' people, see
// face/facetest): the genuine case passes, and each attack or mistake is caught with
// its reason code.
func TestEvaluateFaces(t *testing.T) {
	testenv.SkipUnderRace(t, "runs the face networks on ~15 images per case")
	if testing.Short() {
		t.Skip("runs the face networks on ~15 images per case")
	}
	ps, err := facetest.Portraits()
	if err != nil {
		t.Fatal(err)
	}
	a, b := ps[0], ps[len(ps)-1]
	ch := liveness.Challenge{liveness.TurnLeft, liveness.Closer, liveness.TurnRight}
	now := time.Now()
	doc := doctest.Random(doctest.Passport, 1, now)
	doc.Person.Portrait = a
	page, _ := doctest.Render(doc)
	passport := doctest.Photograph(page, 1, 1)
	liveA := selfieFrames(facetest.LiveVideo(a, ch))
	liveB := selfieFrames(facetest.LiveVideo(b, ch))
	genuine := Input{DocumentType: "passport", Front: passport, Challenge: ch.String(), Frames: liveA, Now: now, MinAge: kyc.DefaultMinAge}

	res, err := Evaluate(genuine)
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != Verified || res.Face == nil {
		t.Fatalf("genuine case: %s %v\n%+v", res.Outcome, res.Reasons, res.Checks)
	}
	for _, c := range res.Checks {
		if c.Version != Version || c.Name == "" || (c.Result != Pass && c.Reason == "") {
			t.Errorf("check not explainable: %+v", c)
		}
	}

	changed := append(append([]Frame(nil), liveA[:2]...), liveB[2:]...)
	noise := make([]Frame, len(liveA))
	for i, f := range liveA {
		noise[i] = Frame{Image: facetest.Noise(int64(i), 640, 480), AtMS: f.AtMS, Step: f.Step}
	}
	with := func(mut func(*Input)) Input { in := genuine; mut(&in); return in }
	cases := []struct {
		name    string
		in      Input
		outcome Outcome
		reason  []string // any of these
	}{
		{"another person's selfie", with(func(in *Input) { in.Frames = liveB }), Failed, []string{kyc.ReasonFaceMismatch}},
		{"noise document and selfie", with(func(in *Input) { in.Front, in.Frames = facetest.Noise(9, 1600, 1000), noise }), Failed, []string{kyc.ReasonDocumentFace}},
		{"noise selfie", with(func(in *Input) { in.Frames = noise }), Failed, []string{kyc.ReasonSelfieFace}},
		{"a printed photo moved about", with(func(in *Input) { in.Frames = selfieFrames(facetest.StillPhotoVideo(a, ch)) }), Failed, []string{kyc.ReasonLivenessChallenge}},
		{"the document held up", with(func(in *Input) { in.Frames = selfieFrames(facetest.HeldUpDocumentVideo(passport, ch)) }), Failed, []string{kyc.ReasonLivenessChallenge, kyc.ReasonSelfieFace}},
		{"a recording of another challenge", with(func(in *Input) { in.Challenge = "turn_right,turn_left" }), Failed, []string{kyc.ReasonLivenessChallenge}},
		{"no challenge issued", with(func(in *Input) { in.Challenge = "" }), Failed, []string{kyc.ReasonLivenessChallenge}},
		{"the person changes mid-sequence", with(func(in *Input) { in.Frames = changed }), InReview, []string{kyc.ReasonSelfiePersonChange}},
		{"a face already verified for another user", with(func(in *Input) { in.Known = []Known{{UserID: "other", Descriptor: *res.Face}} }), InReview, []string{kyc.ReasonDuplicateIdentity}},
		{"a drawn portrait on the document", with(func(in *Input) { in.Front = qualitytest.Document(3, 1600, 1000) }), Failed, []string{kyc.ReasonFaceMismatch}},
		{"the document under another user", with(func(in *Input) { in.DocumentHolders = []string{"other"} }), InReview, []string{kyc.ReasonDuplicateIdentity}},
		{"someone else than the partner expected", with(func(in *Input) { in.Expected = &document.Expected{Name: "Zygmunt Quackenbush"} }), InReview, []string{kyc.ReasonIdentityMismatch}},
		{"too young for this partner", with(func(in *Input) { in.MinAge = 130 }), Failed, []string{kyc.ReasonUnderage}},
		{"missing back", with(func(in *Input) { in.DocumentType = "national_id" }), Failed, []string{kyc.ReasonMissingSide}},
		{"blurry document", with(func(in *Input) { in.Front = qualitytest.Blur(passport, 4) }), Failed, []string{"image_blurry"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Evaluate(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			got := reasons(r)
			if r.Outcome != tc.outcome || !slices.ContainsFunc(tc.reason, func(x string) bool { return got[x] }) {
				t.Errorf("outcome %s reasons %v, want %s %s\nchecks: %+v", r.Outcome, r.Reasons, tc.outcome, tc.reason, r.Checks)
			}
		})
	}
}
