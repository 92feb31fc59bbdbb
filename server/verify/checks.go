// Package verify is the automated verification engine: durable jobs claimed by workers
// with a lease, explainable checks (each stored with result, reason, score, threshold
// and version), and the decision policy shared with human reviewers.
package verify

import (
	"image"
	"math"
	"time"

	"github.com/rampart-id/rampart/document"
	"github.com/rampart-id/rampart/face"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/liveness"
	"github.com/rampart-id/rampart/quality"
	"github.com/rampart-id/rampart/server/store"
)

// Version of the checks and thresholds below (with quality.Version for image quality).
const Version = "v3+" + quality.Version

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

// Face thresholds: distances between 128-d face descriptors. The README's
// "Faces" section gives the data they were calibrated on and the measured error rates.
const (
	// MatchMax: the selfie and the document portrait are the same person at or below.
	MatchMax = 0.40
	// MismatchMin: above, they are different people; between the two a human decides.
	MismatchMin = 0.60
	// DuplicateMax: a face this close to one verified for another user of the partner
	// is that person again.
	DuplicateMax = 0.35
	// ChangeMin: selfie frames of one attempt this far apart show different people.
	ChangeMin = 0.50
	// MinSelfieFaceShare of the selfie frames must show a face.
	MinSelfieFaceShare = 0.5
)

// Frame is one selfie frame with its capture time and challenge step.
type Frame struct {
	Image      image.Image
	AtMS, Step int
}

// Known is the face of a user the partner already verified.
type Known struct {
	UserID     string
	Descriptor face.Descriptor
}

// Input is a case ready to be checked.
type Input struct {
	DocumentType string
	Front, Back  image.Image // nil when missing
	Challenge    string      // the moves asked (liveness.Challenge.String)
	Frames       []Frame
	Known        []Known // verified faces of the partner's other users

	Now    time.Time // today, for expiry and age
	MinAge int       // the partner's youngest accepted age
	// Document is the document's data as read before the checks (to look up its
	// holders); nil: Evaluate reads it.
	Document *DocumentRead
	// DocumentHolders are the partner's other users who presented the same document.
	DocumentHolders []string
	Expected        *document.Expected // what the partner expects, if it said
}

// Result is every check and the outcome of the policy.
type Result struct {
	Checks  []store.Check
	Outcome Outcome
	Reasons []string // failure reasons (Failed) or review reasons (InReview)
	// Face is the person's face template (from the selfie), kept for the duplicate
	// check of later cases; nil when no face was found.
	Face *face.Descriptor
	// Notes say, for operators' logs, why a check that needs more than a score did not
	// pass (which move of the challenge was missing, and why).
	Notes []string
}

type checks []store.Check

func (cs *checks) add(name, result, reason string, score, threshold float64) {
	*cs = append(*cs, store.Check{Name: name, Result: result, Reason: reason, Score: round(score), Threshold: threshold, Version: Version})
}

// Evaluate runs every check and applies the policy: all pass → verified; any fraud
// signal, or an uncertain face match with nothing else failed → review; otherwise the
// failures (retryable).
func Evaluate(in Input) (Result, error) {
	var cs checks
	documentChecks(&cs, in)
	dataChecks(&cs, in)
	doc, err := documentFace(in.Front)
	if err != nil {
		return Result{}, err
	}
	if in.Front != nil {
		if doc.found {
			cs.add("document_face", Pass, "", doc.score, face.DefaultScoreThreshold)
		} else {
			cs.add("document_face", Fail, kyc.ReasonDocumentFace, doc.score, face.DefaultScoreThreshold)
		}
	}
	selfie, err := analyzeSelfie(in.Frames)
	if err != nil {
		return Result{}, err
	}
	res := Result{}
	if !selfieChecks(&cs, &res.Notes, in, selfie) {
		return decide(cs, res), nil
	}
	res.Face = selfie.template
	if doc.found {
		d := doc.descriptor.Distance(selfie.template)
		switch {
		case d <= MatchMax:
			cs.add("face_match", Pass, "", d, MatchMax)
		case d <= MismatchMin:
			cs.add("face_match", Review, kyc.ReasonFaceUncertain, d, MatchMax)
		default:
			cs.add("face_match", Fail, kyc.ReasonFaceMismatch, d, MismatchMin)
		}
	}
	closest := math.Inf(1)
	for _, k := range in.Known {
		closest = math.Min(closest, k.Descriptor.Distance(selfie.template))
	}
	if closest <= DuplicateMax {
		cs.add("duplicate_face", Review, kyc.ReasonDuplicateIdentity, closest, DuplicateMax)
	} else {
		cs.add("duplicate_face", Pass, "", math.Min(closest, 9), DuplicateMax)
	}
	return decide(cs, res), nil
}

// documentChecks: the sides the document type needs, and each side's image quality.
func documentChecks(cs *checks, in Input) {
	sides := 0.0
	if in.Front != nil {
		sides++
	}
	if in.Back != nil {
		sides++
	}
	if in.Front == nil || (kyc.NeedsBack(in.DocumentType) && in.Back == nil) {
		cs.add("document_sides", Fail, kyc.ReasonMissingSide, sides, 0)
	} else {
		cs.add("document_sides", Pass, "", sides, 0)
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
				cs.add("document_"+side.name+"_"+q.Name, Pass, "", q.Score, q.Threshold)
			} else {
				cs.add("document_"+side.name+"_"+q.Name, Fail, q.Reason, q.Score, q.Threshold)
			}
		}
	}
}

// selfieChecks adds the face-presence, challenge and same-person checks; it reports
// whether the selfie gave a face template to compare.
func selfieChecks(cs *checks, notes *[]string, in Input, s selfie) bool {
	share := 0.0
	if len(in.Frames) > 0 {
		share = float64(s.withFace) / float64(len(in.Frames))
	}
	if share < MinSelfieFaceShare || s.template == nil {
		cs.add("selfie_face", Fail, kyc.ReasonSelfieFace, share, MinSelfieFaceShare)
		return false
	}
	cs.add("selfie_face", Pass, "", share, MinSelfieFaceShare)
	ch, err := liveness.Parse(in.Challenge)
	verdict := liveness.Result{Why: "no challenge was issued"}
	if err == nil {
		verdict = liveness.Verify(ch, s.observed)
	}
	if verdict.Passed {
		cs.add("liveness_challenge", Pass, "", float64(verdict.Seen), float64(len(ch)))
	} else {
		cs.add("liveness_challenge", Fail, kyc.ReasonLivenessChallenge, float64(verdict.Seen), float64(len(ch)))
		*notes = append(*notes, "liveness_challenge: "+verdict.Why)
	}
	if s.spread > ChangeMin {
		cs.add("selfie_same_person", Review, kyc.ReasonSelfiePersonChange, s.spread, ChangeMin)
	} else {
		cs.add("selfie_same_person", Pass, "", s.spread, ChangeMin)
	}
	return true
}

func decide(cs checks, r Result) Result {
	r.Checks, r.Outcome = cs, Verified
	var fails, reviews []string
	for _, c := range cs {
		if c.Result == Fail {
			fails = appendOnce(fails, c.Reason)
		}
	}
	for _, c := range cs {
		// An uncertain face match beside a failed capture is the capture's doing
		// (a blurred portrait, a half-seen face): the user retries it. Fraud signals
		// go to a human whatever else failed.
		if c.Result == Review && (c.Reason != kyc.ReasonFaceUncertain || len(fails) == 0) {
			reviews = appendOnce(reviews, c.Reason)
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

func appendOnce(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func round(f float64) float64 { return math.Round(f*1000) / 1000 }
