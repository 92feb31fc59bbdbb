// Package verify is the automated verification engine: durable jobs claimed by workers
// with a lease, explainable checks (each stored with result, reason, score and version),
// and the decision policy shared with human reviewers.
package verify

import (
	"image"
	"math"

	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/quality"
	"github.com/rampart-id/rampart/server/store"
)

// Version of the checks and thresholds below (with quality.Version for image quality).
const Version = "v1+" + quality.Version

// Check results.
const (
	Pass   = "pass"
	Fail   = "fail"   // a capture problem the user can fix: retryable
	Review = "review" // suspected fraud or uncertain: a human decides
)

// Outcomes of a case.
type Outcome string

// The three outcomes of the decision policy.
const (
	Verified Outcome = "verified"
	Failed   Outcome = "failed"
	InReview Outcome = "review"
)

// User-safe reason codes beyond quality's image_* codes.
const (
	ReasonMissingSide      = "document_missing_side"
	ReasonLivenessFailed   = "liveness_failed"
	ReasonLivenessSequence = "liveness_not_a_sequence"
	ReasonLivenessDocument = "liveness_matches_document"
	ReasonDocumentReused   = "document_reused"
	ReasonTestForced       = "test_forced_failure"
	// ReasonVerificationError: automation could not reach a result (the job kept
	// failing or timing out), so a human reviews the case.
	ReasonVerificationError = "verification_error"
)

// Liveness thresholds, calibrated on the synthetic sequences of quality/qualitytest
// (consecutive frames of a moving, blinking face differ by 4.7-8.7 at 320 px; a still
// photo re-captured differs by < 1; unrelated pictures by > 40).
const (
	MinFrames          = 3
	MinSequenceMS      = 1000 // a live sequence takes at least a second
	MinFrameMotion     = 1.5  // mean |Δ| of consecutive 160 px gray frames, below: a still image
	MaxFrameMotion     = 45.0 // above: the frames are not one continuous sequence
	MinDocumentDiff    = 12.0 // a frame closer than this to the document photo is the document
	ReuseMaxHamming    = quality.SameImageMaxDistance
	ReuseMaxPixelDiff  = 6.0 // confirmed duplicate: 64 px thumbnails this close
	livenessThumbSide  = 160
	comparisonThumbLen = 64
)

// Input is a case ready to be checked.
type Input struct {
	DocumentType string
	Front, Back  image.Image // nil when missing
	Frames       []image.Image
	DurationMS   int
	// Reused reports whether a document image of this case is, on closer comparison, the
	// same picture as another user's (candidates found by perceptual hash).
	Reused bool
}

// Result is every check and the outcome of the policy.
type Result struct {
	Checks  []store.Check
	Outcome Outcome
	Reasons []string // failure reasons (Failed) or review reasons (InReview)
}

// Evaluate runs every check and applies the policy: all pass → verified; any fraud
// signal or uncertainty → review; otherwise capture problems → failed (retryable).
func Evaluate(in Input) Result {
	var checks []store.Check
	add := func(name, result, reason string, score float64) {
		checks = append(checks, store.Check{Name: name, Result: result, Reason: reason, Score: round(score), Version: Version})
	}
	needBack := kyc.NeedsBack(in.DocumentType)
	sides := 0.0
	if in.Front != nil {
		sides++
	}
	if in.Back != nil {
		sides++
	}
	if in.Front == nil || (needBack && in.Back == nil) {
		add("document_sides", Fail, ReasonMissingSide, sides)
	} else {
		add("document_sides", Pass, "", sides)
	}
	for _, side := range []struct {
		name string
		img  image.Image
	}{{"front", in.Front}, {"back", in.Back}} {
		if side.img == nil {
			continue
		}
		for _, q := range quality.Assess(side.img).Checks {
			if q.Passed {
				add("document_"+side.name+"_"+q.Name, Pass, "", q.Score)
			} else {
				add("document_"+side.name+"_"+q.Name, Fail, q.Reason, q.Score)
			}
		}
	}
	livenessChecks(in, add)
	if in.Reused {
		add("document_reuse", Review, ReasonDocumentReused, 1)
	} else {
		add("document_reuse", Pass, "", 0)
	}
	return decide(checks)
}

func livenessChecks(in Input, add func(name, result, reason string, score float64)) {
	if len(in.Frames) < MinFrames || in.DurationMS < MinSequenceMS {
		add("liveness_frames", Fail, ReasonLivenessFailed, float64(len(in.Frames)))
		return
	}
	add("liveness_frames", Pass, "", float64(len(in.Frames)))
	grays := make([]*image.Gray, len(in.Frames))
	for i, f := range in.Frames {
		grays[i] = thumb(f, livenessThumbSide)
	}
	var sum, maxD float64
	for i := 1; i < len(grays); i++ {
		d := quality.FrameDifference(grays[i-1], grays[i])
		sum += d
		maxD = math.Max(maxD, d)
	}
	mean := sum / float64(len(grays)-1)
	switch {
	case mean < MinFrameMotion:
		add("liveness_motion", Fail, ReasonLivenessFailed, mean)
	case maxD > MaxFrameMotion:
		add("liveness_motion", Review, ReasonLivenessSequence, maxD)
	default:
		add("liveness_motion", Pass, "", mean)
	}
	if in.Front == nil {
		return
	}
	doc := fixedThumb(in.Front)
	closest := math.MaxFloat64
	for _, f := range in.Frames {
		closest = math.Min(closest, quality.FrameDifference(doc, fixedThumb(f)))
	}
	if closest < MinDocumentDiff {
		add("liveness_not_document", Review, ReasonLivenessDocument, closest)
	} else {
		add("liveness_not_document", Pass, "", closest)
	}
}

func decide(checks []store.Check) Result {
	r := Result{Checks: checks, Outcome: Verified}
	var fails, reviews []string
	for _, c := range checks {
		switch c.Result {
		case Review:
			reviews = appendOnce(reviews, c.Reason)
		case Fail:
			fails = appendOnce(fails, c.Reason)
		}
	}
	switch {
	case len(reviews) > 0:
		r.Outcome, r.Reasons = InReview, reviews
	case len(fails) > 0:
		r.Outcome, r.Reasons = Failed, fails
	}
	return r
}

// SamePicture confirms a perceptual-hash candidate by comparing small thumbnails pixel
// by pixel: the hash alone cannot tell two cards of one design apart.
func SamePicture(a, b image.Image) (bool, float64) {
	d := quality.FrameDifference(fixedThumb(a), fixedThumb(b))
	return d <= ReuseMaxPixelDiff, d
}

// thumb is a gray image with its long side at most side pixels.
func thumb(img image.Image, side int) *image.Gray { return quality.Gray(img, side) }

// fixedThumb is a 64x40 gray image, whatever the aspect ratio, so two captures of one
// card compare pixel by pixel.
func fixedThumb(img image.Image) *image.Gray {
	g := quality.Gray(img, 256)
	out := image.NewGray(image.Rect(0, 0, comparisonThumbLen, 40))
	b := g.Bounds()
	for y := 0; y < 40; y++ {
		for x := 0; x < comparisonThumbLen; x++ {
			out.Pix[y*out.Stride+x] = g.GrayAt(b.Min.X+x*b.Dx()/comparisonThumbLen, b.Min.Y+y*b.Dy()/40).Y
		}
	}
	return out
}

func appendOnce(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func round(f float64) float64 { return math.Round(f*1000) / 1000 }
