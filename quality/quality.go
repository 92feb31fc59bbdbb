// Package quality scores photos of identity documents. The same code runs in
// the server's verification worker and, compiled to WebAssembly, in the
// widget, so a user sees the verdict the server will reach before uploading.
// It depends on the standard library only.
package quality

import (
	"image"
	"math"
)

// Version identifies the algorithm and thresholds below. It is stored with
// every result so old decisions stay explainable after the thresholds change.
const Version = "q1"

// Check names.
const (
	CheckResolution = "resolution"
	CheckBlur       = "blur"
	CheckExposure   = "exposure"
	CheckGlare      = "glare"
)

// Reason codes of failed checks. They are stable API: the server stores them
// and the widget maps them to translated advice.
const (
	ReasonTooSmall  = "image_too_small"
	ReasonBlurry    = "image_blurry"
	ReasonTooDark   = "image_too_dark"
	ReasonTooBright = "image_too_bright"
	ReasonGlare     = "image_glare"
)

// Reasons is every reason code above.
var Reasons = []string{ReasonTooSmall, ReasonBlurry, ReasonTooDark, ReasonTooBright, ReasonGlare}

const (
	// MinLongSide and MinShortSide are the smallest accepted image size in
	// pixels, in either orientation. At 1000x600 an ID-1 card (85.6 mm wide)
	// filling the frame is ~300 dpi, enough for a reviewer to read the MRZ;
	// the widget uploads at most 2000 px, so a good capture passes easily.
	MinLongSide  = 1000
	MinShortSide = 600

	// AnalysisSide is the long side, in pixels, that blur, exposure and glare
	// are measured at. Fixing it makes the blur score independent of the
	// camera's resolution and keeps Assess fast in the browser.
	AnalysisSide = 640

	// MinBlurVariance is the smallest accepted variance of the 4-neighbour
	// Laplacian of the AnalysisSide gray image. Printed text and card edges
	// make sharp captures score in the thousands (synthetic cards 1000-2000);
	// a box blur only ~3.5 px wide at analysis scale brings them down to
	// about this value, and real defocus or motion blur far below it.
	MinBlurVariance = 100

	// MinMeanLuminance and MaxMeanLuminance bound the mean luminance (0-255)
	// of the whole frame, desk included. Outside them text loses contrast in
	// the shadows or burns out.
	MinMeanLuminance = 60
	MaxMeanLuminance = 220

	// GlareLevel is the luminance at or above which a pixel counts as
	// saturated, and MaxGlareFraction the largest accepted share of such
	// pixels. Card backgrounds are printed in tints below white and cameras
	// expose to avoid clipping, so a saturated area this large is a
	// reflection hiding data. A flatbed scan with white margins also trips
	// it; the widget captures photos, where that does not happen.
	GlareLevel       = 250
	MaxGlareFraction = 0.03
)

// Check is the outcome of one quality check.
type Check struct {
	// Name is one of the Check* constants.
	Name string
	// Passed reports whether the image is good enough on this aspect.
	Passed bool
	// Reason is a Reason* code when the check failed and "" when it passed.
	Reason string
	// Score is the measured value: for resolution the smaller of
	// long/MinLongSide and short/MinShortSide (>= 1 passes), for blur the
	// Laplacian variance, for exposure the mean luminance, for glare the
	// fraction of saturated pixels.
	Score float64
	// Threshold is the bound Score was held to (for exposure, the one it was
	// nearest to).
	Threshold float64
}

// Report holds the checks of one image, in a fixed order.
type Report struct {
	Checks []Check
}

// OK reports whether every check passed.
func (r Report) OK() bool {
	for _, c := range r.Checks {
		if !c.Passed {
			return false
		}
	}
	return true
}

// Reasons returns the reason codes of the failed checks, in check order.
func (r Report) Reasons() []string {
	var out []string
	for _, c := range r.Checks {
		if !c.Passed {
			out = append(out, c.Reason)
		}
	}
	return out
}

// Assess runs all checks on a photo of a document. Every check runs even when
// an earlier one fails, so the user gets all the advice at once.
func Assess(img image.Image) Report {
	g := Gray(img, AnalysisSide)
	return Report{Checks: []Check{
		resolution(img.Bounds()),
		blur(g),
		exposure(g),
		glare(g),
	}}
}

func resolution(b image.Rectangle) Check {
	long, short := max(b.Dx(), b.Dy()), min(b.Dx(), b.Dy())
	score := math.Min(float64(long)/MinLongSide, float64(short)/MinShortSide)
	return result(CheckResolution, score >= 1, ReasonTooSmall, score, 1)
}

func blur(g *image.Gray) Check {
	v := LaplacianVariance(g)
	return result(CheckBlur, v >= MinBlurVariance, ReasonBlurry, v, MinBlurVariance)
}

func exposure(g *image.Gray) Check {
	m := meanLuminance(g)
	bound := float64(MinMeanLuminance)
	if m > (MinMeanLuminance+MaxMeanLuminance)/2 {
		bound = MaxMeanLuminance
	}
	switch {
	case m < MinMeanLuminance:
		return result(CheckExposure, false, ReasonTooDark, m, bound)
	case m > MaxMeanLuminance:
		return result(CheckExposure, false, ReasonTooBright, m, bound)
	}
	return result(CheckExposure, true, "", m, bound)
}

func glare(g *image.Gray) Check {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	n := 0
	for y := range h {
		for _, v := range g.Pix[y*g.Stride : y*g.Stride+w] {
			if v >= GlareLevel {
				n++
			}
		}
	}
	f := 0.0
	if w*h > 0 {
		f = float64(n) / float64(w*h)
	}
	return result(CheckGlare, f <= MaxGlareFraction, ReasonGlare, f, MaxGlareFraction)
}

func result(name string, passed bool, reason string, score, threshold float64) Check {
	if passed {
		reason = ""
	}
	return Check{Name: name, Passed: passed, Reason: reason, Score: score, Threshold: threshold}
}

// LaplacianVariance returns the variance of the 4-neighbour Laplacian over the
// interior of g: a standard focus measure, high when the image has sharp
// edges. Images smaller than 3x3 score 0.
func LaplacianVariance(g *image.Gray) float64 {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	if w < 3 || h < 3 {
		return 0
	}
	var sum, sumSq float64
	for y := 1; y < h-1; y++ {
		row := g.Pix[y*g.Stride:]
		up := g.Pix[(y-1)*g.Stride:]
		down := g.Pix[(y+1)*g.Stride:]
		for x := 1; x < w-1; x++ {
			l := float64(int(up[x]) + int(down[x]) + int(row[x-1]) + int(row[x+1]) - 4*int(row[x]))
			sum += l
			sumSq += l * l
		}
	}
	n := float64((w - 2) * (h - 2))
	mean := sum / n
	return sumSq/n - mean*mean
}

func meanLuminance(g *image.Gray) float64 {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	if w == 0 || h == 0 {
		return 0
	}
	var sum uint64
	for y := range h {
		for _, v := range g.Pix[y*g.Stride : y*g.Stride+w] {
			sum += uint64(v)
		}
	}
	return float64(sum) / float64(w*h)
}
