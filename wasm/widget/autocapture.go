package widget

import (
	"image"
	"sync/atomic"
	"time"

	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/quality"
)

// Automatic document capture: the shot is taken when the preview has been steady,
// sharp, well lit and filled by a document inside the guide for about a second (a shot
// the review screen would then reject is not taken, so "Retake" does not loop). The shutter stays
// available throughout, and the user can turn automatic capture off.
const (
	// AutoInterval is the time between two preview frames looked at.
	AutoInterval = 200 * time.Millisecond
	// AutoSteadyFrames frames in a row (about a second) must pass every test.
	AutoSteadyFrames = 5
	// AutoMaxChange is the largest mean luminance change (0-255 per pixel) between two
	// frames, compared AutoSteadySide pixels wide, that still counts as steady: sensor
	// noise and a hand's tremor of a pixel or two stay below it, a card moving by more
	// than about 1/200 of the frame in AutoInterval does not (a synthetic card measures
	// 3.3 for a 2 px shift at 640 px, 5.2 for 4 px, 8.4 for 12 px).
	AutoMaxChange = 4.0
	// AutoSteadySide is the width frames are compared at: small enough that a pixel of
	// tremor at full size is a fraction of a pixel.
	AutoSteadySide = 160
	// autoEdgeLevel is the 4-neighbour Laplacian magnitude from which a pixel counts as
	// part of an edge (a printed character, the card's border, a portrait).
	autoEdgeLevel = 24
	// AutoMinInsideEdges is the smallest share of edge pixels inside the guide: a
	// document's print reaches it, a bare table or a blank sheet does not.
	AutoMinInsideEdges = 0.03
	// AutoMaxOutsideRatio bounds the edge share around the guide relative to inside it:
	// the document lies within the guide on a plain surface, not past its borders.
	AutoMaxOutsideRatio = 0.35
	// AutoMinSideEdges is the smallest edge share in the band along each of the guide's
	// four sides: the document's own outline lies there when it fills the guide, so a
	// card held far away (plain surface all around the band) is not taken.
	AutoMinSideEdges = 0.01
)

// Where the guide sits in the 4:3 viewfinder, as widget.css draws it (.guide.card and
// .guide.passport): centred, this share of the width, the document's aspect ratio.
const (
	guideCardWidth      = 0.86
	guideCardAspect     = 85.6 / 54
	guidePassportWidth  = 0.80
	guidePassportAspect = 125.0 / 88
	viewfinderAspect    = 4.0 / 3
)

// autoCapture is the state of automatic capture; off is read by the frame goroutine.
type autoCapture struct {
	off    atomic.Bool
	steady int  // frames in a row that passed
	fired  bool // the shot was taken on this screen
}

// frameVerdict is what one preview frame showed.
type frameVerdict struct {
	steady, sharp, lit, inside bool
}

func (v frameVerdict) ok() bool { return v.steady && v.sharp && v.lit && v.inside }

// autoToggle is the switch that turns automatic capture on and off.
func (w *Widget) autoToggle() string {
	pressed := "true"
	if w.auto.off.Load() {
		pressed = "false"
	}
	return `<button type="button" id="auto-capture" class="auto-toggle" aria-pressed="` + pressed + `">` +
		esc(w.t.T("cap_auto")) + `</button>`
}

// bindAutoToggle makes the toggle work from the moment the screen shows.
func (w *Widget) bindAutoToggle() {
	w.auto.steady, w.auto.fired = 0, false
	w.on("auto-capture", func() {
		w.auto.off.Store(!w.auto.off.Load())
		w.auto.steady = 0
		w.b.Patch("auto-slot", w.autoToggle())
	})
}

// startAutoCapture looks at the preview every AutoInterval until the screen changes.
func (w *Widget) startAutoCapture() {
	card := kyc.NeedsBack(docKey(w.doc))
	ctx, then := w.sctx, w.later()
	go func() {
		var prev *image.Gray
		for w.b.Sleep(ctx, AutoInterval) == nil {
			if w.auto.off.Load() {
				prev = nil
				continue
			}
			img, err := w.b.GrabFrame(ctx, quality.AnalysisSide)
			if err != nil {
				return // no frames to look at: the shutter remains
			}
			g := quality.Gray(img, quality.AnalysisSide)
			small := quality.Gray(g, AutoSteadySide)
			v := judgeFrame(prev, small, g, card)
			prev = small
			then(func() { w.autoFrame(v) })
		}
	}()
}

// autoFrame counts good frames on the loop and takes the shot after AutoSteadyFrames.
func (w *Widget) autoFrame(v frameVerdict) {
	if w.auto.fired || w.auto.off.Load() {
		return
	}
	if !v.ok() {
		if w.auto.steady > 0 {
			w.b.Patch("cam-status", esc(w.t.T("cap_ready")))
		}
		w.auto.steady = 0
		return
	}
	w.auto.steady++
	if w.auto.steady == 2 { // said once, when the user is already holding still
		w.b.Patch("cam-status", esc(w.t.T("cap_capturing")))
		w.b.Announce(w.t.T("cap_capturing"))
	}
	if w.auto.steady >= AutoSteadyFrames {
		w.auto.fired = true
		w.b.Announce(w.t.T("cap_captured"))
		w.shoot()
	}
}

// judgeFrame tells whether a frame (g, at the quality checks' AnalysisSide; small, at
// AutoSteadySide) is steady against the previous small frame, sharp and lit by the
// server's own blur, exposure and glare checks, and shows a document filling the guide
// on a plain surround.
func judgeFrame(prev, small, g *image.Gray, card bool) frameVerdict {
	var v frameVerdict
	v.steady = prev != nil && prev.Rect == small.Rect && meanChange(prev, small) <= AutoMaxChange
	v.lit = true
	for _, c := range quality.Assess(g).Checks {
		switch c.Name {
		case quality.CheckBlur:
			v.sharp = c.Passed
		case quality.CheckExposure, quality.CheckGlare:
			v.lit = v.lit && c.Passed
		}
	}
	guide := guideRect(g.Rect.Dx(), g.Rect.Dy(), card)
	inner := guide.Inset(guide.Dx() / 12)
	outer := guide.Inset(-guide.Dx() / 25)
	vis := visibleRect(g.Rect.Dx(), g.Rect.Dy())
	in, out := edgeShares(g, inner, outer, vis)
	v.inside = in >= AutoMinInsideEdges && out <= in*AutoMaxOutsideRatio
	for _, side := range []image.Rectangle{
		image.Rect(outer.Min.X, inner.Min.Y, inner.Min.X, inner.Max.Y), // left
		image.Rect(inner.Max.X, inner.Min.Y, outer.Max.X, inner.Max.Y), // right
		image.Rect(inner.Min.X, outer.Min.Y, inner.Max.X, inner.Min.Y), // top
		image.Rect(inner.Min.X, inner.Max.Y, inner.Max.X, outer.Max.Y), // bottom
	} {
		if s, _ := edgeShares(g, side, side, vis); s < AutoMinSideEdges {
			v.inside = false
		}
	}
	return v
}

// visibleRect is the part of a w×h frame the 4:3 viewfinder shows (object-fit: cover).
func visibleRect(w, h int) image.Rectangle {
	if float64(w)/float64(h) > viewfinderAspect {
		vw := int(float64(h) * viewfinderAspect)
		return image.Rect((w-vw)/2, 0, (w+vw)/2, h)
	}
	vh := int(float64(w) / viewfinderAspect)
	return image.Rect(0, (h-vh)/2, w, (h+vh)/2)
}

// guideRect is the guide's rectangle in frame pixels.
func guideRect(w, h int, card bool) image.Rectangle {
	vis := visibleRect(w, h)
	width, aspect := guidePassportWidth, guidePassportAspect
	if card {
		width, aspect = guideCardWidth, guideCardAspect
	}
	gw := int(float64(vis.Dx()) * width)
	gh := int(float64(gw) / aspect)
	c := image.Pt((vis.Min.X+vis.Max.X)/2, (vis.Min.Y+vis.Max.Y)/2)
	return image.Rect(c.X-gw/2, c.Y-gh/2, c.X+gw/2, c.Y+gh/2)
}

// meanChange is the mean absolute luminance difference of two frames of one size.
func meanChange(a, b *image.Gray) float64 {
	w, h := a.Rect.Dx(), a.Rect.Dy()
	if w*h == 0 {
		return 0
	}
	var sum int
	for y := range h {
		ra, rb := a.Pix[y*a.Stride:y*a.Stride+w], b.Pix[y*b.Stride:y*b.Stride+w]
		for x := range ra {
			d := int(ra[x]) - int(rb[x])
			if d < 0 {
				d = -d
			}
			sum += d
		}
	}
	return float64(sum) / float64(w*h)
}

// edgeShares returns the share of edge pixels inside inner and, within the visible
// area, outside outer.
func edgeShares(g *image.Gray, inner, outer, visible image.Rectangle) (in, out float64) {
	var nIn, eIn, nOut, eOut int
	b := g.Rect.Inset(1).Intersect(visible)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row, up, down := g.Pix[y*g.Stride:], g.Pix[(y-1)*g.Stride:], g.Pix[(y+1)*g.Stride:]
		for x := b.Min.X; x < b.Max.X; x++ {
			p := image.Pt(x, y)
			isIn := p.In(inner)
			if !isIn && p.In(outer) {
				continue // the guide's border band: the card's own edge lies here
			}
			l := int(up[x]) + int(down[x]) + int(row[x-1]) + int(row[x+1]) - 4*int(row[x])
			edge := l >= autoEdgeLevel || l <= -autoEdgeLevel
			if isIn {
				nIn++
				if edge {
					eIn++
				}
			} else {
				nOut++
				if edge {
					eOut++
				}
			}
		}
	}
	if nIn > 0 {
		in = float64(eIn) / float64(nIn)
	}
	if nOut > 0 {
		out = float64(eOut) / float64(nOut)
	}
	return in, out
}
