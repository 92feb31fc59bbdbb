package verify

import (
	"image"
	"testing"

	"github.com/rampart-id/rampart/quality/qualitytest"
)

func frames(seed int64, n int) []image.Image {
	var out []image.Image
	for _, f := range qualitytest.FaceFrames(seed, n, 480, 360) {
		out = append(out, f)
	}
	return out
}

func still(img image.Image, n int) []image.Image {
	out := make([]image.Image, n)
	for i := range out {
		out[i] = img
	}
	return out
}

func reasons(r Result) map[string]bool {
	m := map[string]bool{}
	for _, x := range r.Reasons {
		m[x] = true
	}
	return m
}

func TestEvaluatePolicy(t *testing.T) {
	front, back := qualitytest.Document(1, 1600, 1000), qualitytest.Document(2, 1600, 1000)
	live := frames(5, 8)
	cases := []struct {
		name    string
		in      Input
		outcome Outcome
		reason  string
	}{
		{"all good", Input{DocumentType: "national_id", Front: front, Back: back, Frames: live, DurationMS: 3000}, Verified, ""},
		{"passport needs no back", Input{DocumentType: "passport", Front: front, Frames: live, DurationMS: 3000}, Verified, ""},
		{"blurry front", Input{DocumentType: "passport", Front: qualitytest.Blur(front, 3), Frames: live, DurationMS: 3000}, Failed, "image_blurry"},
		{"dark back", Input{DocumentType: "national_id", Front: front, Back: qualitytest.Darken(back, 0.35), Frames: live, DurationMS: 3000}, Failed, "image_too_dark"},
		{"glare", Input{DocumentType: "passport", Front: qualitytest.AddGlare(front, 0.2), Frames: live, DurationMS: 3000}, Failed, "image_glare"},
		{"missing back", Input{DocumentType: "drivers_licence", Front: front, Frames: live, DurationMS: 3000}, Failed, ReasonMissingSide},
		{"too few frames", Input{DocumentType: "passport", Front: front, Frames: live[:2], DurationMS: 3000}, Failed, ReasonLivenessFailed},
		{"too quick", Input{DocumentType: "passport", Front: front, Frames: live, DurationMS: 200}, Failed, ReasonLivenessFailed},
		{"one still image repeated", Input{DocumentType: "passport", Front: front, Frames: still(live[0], 8), DurationMS: 3000}, Failed, ReasonLivenessFailed},
		{"the document shown as a selfie", Input{DocumentType: "passport", Front: front, Frames: []image.Image{front, qualitytest.Document(1, 1600, 1000), qualitytest.Darken(front, 0.9), front}, DurationMS: 3000}, InReview, ReasonLivenessDocument},
		{"unrelated pictures", Input{DocumentType: "passport", Front: front, Frames: []image.Image{live[0], qualitytest.Document(7, 480, 360), live[1], qualitytest.Darken(qualitytest.Document(8, 480, 360), 0.2)}, DurationMS: 3000}, InReview, ReasonLivenessSequence},
		{"reused document", Input{DocumentType: "passport", Front: front, Frames: live, DurationMS: 3000, Reused: true}, InReview, ReasonDocumentReused},
		{"fraud wins over capture problems", Input{DocumentType: "passport", Front: qualitytest.Blur(front, 3), Frames: live, DurationMS: 3000, Reused: true}, InReview, ReasonDocumentReused},
	}
	for _, tc := range cases {
		r := Evaluate(tc.in)
		if r.Outcome != tc.outcome || (tc.reason != "" && !reasons(r)[tc.reason]) {
			t.Errorf("%s: outcome %s reasons %v, want %s %s\nchecks: %+v", tc.name, r.Outcome, r.Reasons, tc.outcome, tc.reason, r.Checks)
		}
		for _, c := range r.Checks {
			if c.Version != Version || c.Name == "" || (c.Result != Pass && c.Reason == "") {
				t.Errorf("%s: check not explainable: %+v", tc.name, c)
			}
		}
	}
}

// TestSamePicture: a re-encoded, resized copy of one card is the same picture; another
// holder's card of the same design is not, though its perceptual hash is close.
func TestSamePicture(t *testing.T) {
	a := qualitytest.TemplateDocument(1, 1, 1600, 1000)
	copyA := qualitytest.Resize(a, 1200, 750)
	other := qualitytest.TemplateDocument(1, 2, 1600, 1000)
	if same, d := SamePicture(a, copyA); !same {
		t.Errorf("resized copy not recognised (diff %.2f)", d)
	}
	if same, d := SamePicture(a, other); same {
		t.Errorf("another holder's card flagged as the same picture (diff %.2f)", d)
	}
	for seed := int64(2); seed < 12; seed++ {
		if same, d := SamePicture(a, qualitytest.Document(seed, 1600, 1000)); same {
			t.Errorf("document %d flagged as the same picture (diff %.2f)", seed, d)
		}
	}
}
