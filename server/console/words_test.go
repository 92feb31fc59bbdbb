package console

import (
	"slices"
	"testing"

	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/quality"

	"github.com/rampart-id/rampart/server/store"
)

func TestCheckWords(t *testing.T) {
	for _, tc := range []struct {
		c    store.Check
		want string
	}{
		{store.Check{Name: "face_match", Result: "pass", Score: 0.21, Threshold: 0.4}, "Face match: distance 0.21 between the selfie and the document photo; the same person at most 0.40 — passed"},
		{store.Check{Name: "face_match", Result: "fail", Score: 0.78, Threshold: 0.6}, "Face match: distance 0.78 between the selfie and the document photo; different people above 0.60 — failed"},
		{store.Check{Name: "document_expiry", Result: "fail", Score: -91.5, Threshold: 0}, "Document expiry: expired 92 days ago — failed"},
		{store.Check{Name: "selfie_face", Result: "pass", Score: 0.875, Threshold: 0.5}, "Face in the selfie: a face in 88% of the frames, needs at least 50% — passed"},
		{store.Check{Name: "document_back_glare", Result: "fail", Score: 0.12, Threshold: 0.05}, "Document back: glare: 0.120 of the image glares, at most 0.050 — failed"},
		{store.Check{Name: "duplicate_document", Result: "review", Score: 1}, "Same document as another user: 1 other user(s) of this partner presented this document — needs a reviewer"},
		{store.Check{Name: "something_new", Result: "pass", Score: 1, Threshold: 2}, "something_new: score 1.00, threshold 2.00 — passed"},
	} {
		l := describeCheck(tc.c)
		if got := l.Title + ": " + l.Text + " — " + l.Result; got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.c.Name, got, tc.want)
		}
	}
}

// Every reason code a check or a decision can carry has words for reviewers.
func TestEveryReasonHasWords(t *testing.T) {
	for _, code := range slices.Concat(kyc.AllReasons, quality.Reasons) {
		if reasonWords[code] == "" {
			t.Errorf("no words for %s", code)
		}
	}
}
