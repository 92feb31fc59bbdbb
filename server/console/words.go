package console

import (
	"fmt"
	"strings"

	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/quality"
	"github.com/rampart-id/rampart/server/store"
)

// checkWords turns a stored check into a sentence a reviewer reads at a glance. Each
// entry names the check and says what its score and threshold mean.
var checkWords = map[string]struct {
	title string
	say   func(c store.Check) string
}{
	"face_match": {"Face match", func(c store.Check) string {
		// A failed match is held to the mismatch bound, the others to the match bound.
		if c.Result == "fail" {
			return fmt.Sprintf("distance %.2f between the selfie and the document photo; different people above %.2f", c.Score, c.Threshold)
		}
		return fmt.Sprintf("distance %.2f between the selfie and the document photo; the same person at most %.2f", c.Score, c.Threshold)
	}},
	"duplicate_face": {"Same face as another user", func(c store.Check) string {
		if c.Score >= 9 {
			return "no other verified user of this partner to compare with"
		}
		return fmt.Sprintf("closest face of another verified user at distance %.2f; a duplicate at most %.2f", c.Score, c.Threshold)
	}},
	"document_face": {"Face on the document", func(c store.Check) string {
		return fmt.Sprintf("detector score %.2f, needs at least %.2f", c.Score, c.Threshold)
	}},
	"document_sides": {"Document sides", func(c store.Check) string {
		return fmt.Sprintf("%.0f side(s) received", c.Score)
	}},
	"document_data": {"Machine-readable data", func(c store.Check) string {
		if c.Score >= c.Threshold {
			return "read, check digits valid"
		}
		return "not read"
	}},
	"document_type": {"Document type", func(c store.Check) string {
		if c.Score >= c.Threshold {
			return "the document is the type the user chose"
		}
		return "the document is not the type the user chose"
	}},
	"document_expiry": {"Document expiry", func(c store.Check) string {
		if c.Score < 0 {
			return fmt.Sprintf("expired %.0f days ago", -c.Score)
		}
		return fmt.Sprintf("valid for %.0f more days", c.Score)
	}},
	"age": {"Age", func(c store.Check) string {
		return fmt.Sprintf("%.0f years old, needs at least %.0f", c.Score, c.Threshold)
	}},
	"duplicate_document": {"Same document as another user", func(c store.Check) string {
		if c.Score == 0 {
			return "no other user of this partner presented this document"
		}
		return fmt.Sprintf("%.0f other user(s) of this partner presented this document", c.Score)
	}},
	"identity_match": {"Name and birth date as the partner sent", func(c store.Check) string {
		return fmt.Sprintf("agreement %.2f, needs %.2f", c.Score, c.Threshold)
	}},
	"selfie_face": {"Face in the selfie", func(c store.Check) string {
		return fmt.Sprintf("a face in %.0f%% of the frames, needs at least %.0f%%", c.Score*100, c.Threshold*100)
	}},
	"liveness_challenge": {"Liveness moves", func(c store.Check) string {
		return fmt.Sprintf("%.0f of %.0f requested moves seen, in order", c.Score, c.Threshold)
	}},
	"selfie_same_person": {"Same person throughout the selfie", func(c store.Check) string {
		return fmt.Sprintf("largest distance between frames %.2f; a different person above %.2f", c.Score, c.Threshold)
	}},
}

// qualityWords covers the per-side image quality checks ("document_front_blur", …).
var qualityWords = map[string]struct{ title, format string }{
	"resolution": {"size", "%.2f of the minimum size, needs at least %.2f"},
	"blur":       {"sharpness", "sharpness %.0f, needs at least %.0f"},
	"exposure":   {"exposure", "mean brightness %.0f, limit %.0f"},
	"glare":      {"glare", "%.3f of the image glares, at most %.3f"},
}

var resultWords = map[string]string{"pass": "passed", "fail": "failed", "review": "needs a reviewer"}

// checkLine is one check in plain words.
type checkLine struct {
	Title, Text, Result, Class, Reason string
}

func describeCheck(c store.Check) checkLine {
	l := checkLine{Title: c.Name, Result: resultWords[c.Result], Class: "r-" + c.Result, Reason: c.Reason}
	if l.Result == "" {
		l.Result = c.Result
	}
	if w, ok := checkWords[c.Name]; ok {
		l.Title, l.Text = w.title, w.say(c)
		return l
	}
	for _, side := range []string{"front", "back"} {
		if q, ok := strings.CutPrefix(c.Name, "document_"+side+"_"); ok {
			if w, ok := qualityWords[q]; ok {
				l.Title = "Document " + side + ": " + w.title
				l.Text = fmt.Sprintf(w.format, c.Score, c.Threshold)
				return l
			}
		}
	}
	l.Text = fmt.Sprintf("score %.2f, threshold %.2f", c.Score, c.Threshold)
	return l
}

// reasonWords names every reason code for reviewers.
var reasonWords = map[string]string{
	kyc.ReasonMissingSide:        "A document side is missing",
	kyc.ReasonDocumentFace:       "No face on the document",
	kyc.ReasonSelfieFace:         "No face in the selfie",
	kyc.ReasonLivenessChallenge:  "Liveness moves not seen",
	kyc.ReasonSelfiePersonChange: "Different people in the selfie",
	kyc.ReasonFaceMismatch:       "Selfie does not match the document",
	kyc.ReasonFaceUncertain:      "Face match uncertain",
	kyc.ReasonDuplicateIdentity:  "Same identity as another user",
	kyc.ReasonDocumentUnreadable: "Document data unreadable",
	kyc.ReasonDocumentType:       "Wrong document type",
	kyc.ReasonDocumentExpired:    "Document expired",
	kyc.ReasonUnderage:           "Under the minimum age",
	kyc.ReasonDocumentNoData:     "Document has no machine-readable data",
	kyc.ReasonIdentityMismatch:   "Identity differs from the partner's",
	kyc.ReasonVerificationError:  "Automatic checks could not finish",
	kyc.ReasonTestForced:         "Forced failure (test partner)",
	kyc.ReasonTestForcedReview:   "Forced review (test partner)",
	quality.ReasonTooSmall:       "Image too small",
	quality.ReasonBlurry:         "Image blurry",
	quality.ReasonTooDark:        "Image too dark",
	quality.ReasonTooBright:      "Image too bright",
	quality.ReasonGlare:          "Glare on the image",
}

func reasonText(code string) string {
	if w, ok := reasonWords[code]; ok {
		return w
	}
	return code
}

// reviewReasons are the codes a case can wait in the queue for (queue filter).
var reviewReasons = []string{kyc.ReasonFaceUncertain, kyc.ReasonSelfiePersonChange, kyc.ReasonDuplicateIdentity,
	kyc.ReasonDocumentNoData, kyc.ReasonIdentityMismatch, kyc.ReasonVerificationError, kyc.ReasonTestForcedReview}

// failReasons are the codes a reviewer may fail a case with.
var failReasons = kyc.UserReasons

var kindWords = map[string]string{store.ImageFront: "Document front", store.ImageBack: "Document back", store.ImageLiveness: "Selfie frame"}
