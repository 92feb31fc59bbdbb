package facetest

import (
	"image"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/rampart-id/rampart/liveness"
	"github.com/rampart-id/rampart/quality/qualitytest"
)

// Frame is one camera frame of a challenge video: captured AtMS milliseconds after
// the challenge was shown, at step Step (0 looking straight ahead, k the k-th move).
type Frame struct {
	Image image.Image
	AtMS  int
	Step  int
}

// Camera frames and the challenge timeline.
const (
	FrameW, FrameH = 640, 480
	// FaceShare is the face box's width over the frame's width when straight ahead.
	FaceShare = 0.30
	// TurnDeg is the synthetic head turn of a completed turn move: the landmark net
	// follows a synthetic turn less than the model predicts, so it is larger than
	// the 20–25° a person would make.
	TurnDeg = 40.0
	// CloserScale is the growth of the face when the person comes closer.
	CloserScale = 1.45
	// StepMS is the time between the starts of two steps; the second frame of each
	// step comes HalfStepMS after its first.
	StepMS     = 700
	HalfStepMS = 350
)

// pose is what the person does in one frame: a turn and a scale of the head.
type pose struct {
	deg, scale float64
}

// timeline lays out frames: two straight-ahead frames, then two per move (half
// done, then done), as f(step, move, done) gives them.
func timeline(c liveness.Challenge, f func(step int, m liveness.Move, phase int) image.Image) []Frame {
	out := []Frame{{f(0, "", 0), 0, 0}, {f(0, "", 1), 300, 0}}
	for k, m := range c {
		out = append(out, Frame{f(k+1, m, 1), StepMS * (k + 1), k + 1})
		out = append(out, Frame{f(k+1, m, 2), StepMS*(k+1) + HalfStepMS, k + 1})
	}
	return out
}

// jitter is a small random offset of the frame, the same for the same portrait,
// move and phase whatever the challenge (so tests can reuse measurements).
func jitter(id string, m liveness.Move, phase int) *rand.Rand {
	return rand.New(rand.NewPCG(seedOf(id), seedOf(string(m))+uint64(phase)))
}

// LiveVideo is a 640×480 camera recording of the person of p doing challenge c:
// the head (turned to face the camera, see Portrait.FrontalDeg) on a plain wall,
// the face box about 30% of the frame's width, centred. Turns reach TurnDeg, coming
// closer scales the face by CloserScale; half-done moves get half of it. Each frame
// jitters by a few pixels and a little brightness.
//
// A frame depends only on the portrait, the move and the phase, whatever the
// challenge, so frames are cached and shared: callers must not modify them.
func LiveVideo(p Portrait, c liveness.Challenge) []Frame {
	var src *layer
	var m *headModel
	var bg *layer
	return timeline(c, func(step int, mv liveness.Move, phase int) image.Image {
		key := liveKey{p.ID, mv, phase}
		liveMu.Lock()
		img, ok := liveCache[key]
		liveMu.Unlock()
		if ok {
			return img
		}
		if src == nil {
			src, m, bg = portraitLayer(&p, false), newHeadModel(&p), wall(seedOf(p.ID), FrameW, FrameH)
		}
		ps := pose{deg: p.FrontalDeg, scale: 1}
		t := float64(phase) / 2
		switch mv {
		case liveness.TurnLeft:
			ps.deg += TurnDeg * t
		case liveness.TurnRight:
			ps.deg -= TurnDeg * t
		case liveness.Closer:
			ps.scale = 1 + (CloserScale-1)*t
		}
		img = liveFrame(&p, src, m, bg, ps, jitter(p.ID, mv, phase), FrameW, FrameH)
		liveMu.Lock()
		liveCache[key] = img
		liveMu.Unlock()
		return img
	})
}

type liveKey struct {
	id    string
	move  liveness.Move
	phase int
}

var (
	liveMu    sync.Mutex
	liveCache = map[liveKey]*image.RGBA{}
)

// liveFrame renders the person in pose ps over the background bg, in a w×h frame.
func liveFrame(p *Portrait, src *layer, m *headModel, bg *layer, ps pose, rng *rand.Rand, w, h int) *image.RGBA {
	return placeFrame(p, person(p, src, m, ps.deg), bg, ps.scale, rng, w, h)
}

// placeFrame puts the cut-out person lay over bg, the face box FaceShare × scale of
// the frame's width, centred, jittered by a few pixels and a little brightness,
// with sensor noise.
func placeFrame(p *Portrait, lay, bg *layer, scale float64, rng *rand.Rand, w, h int) *image.RGBA {
	s := FaceShare * float64(w) / p.Box.Width * scale
	fx, fy := p.Box.X+p.Box.Width/2, p.Box.Y+p.Box.Height/2
	jx, jy := (rng.Float64()*2-1)*0.006*float64(w), (rng.Float64()*2-1)*0.006*float64(w)
	a := similarity(fx, fy, float64(w)/2+jx, float64(h)/2+jy, s, 0)
	dst := bg.clone()
	dst.drawAffine(lay, a, 1+(rng.Float64()*2-1)*0.03)
	return dst.flatten(rng, 2)
}

// affine maps destination pixel centres to source coordinates: src = A·dst + B.
type affine struct{ a, b, c, d, e, f float64 } // sx = a x + b y + c; sy = d x + e y + f

// similarity maps source point (sx, sy) to destination (dx, dy) with scale s and
// rotation rot (radians), returned as the destination → source map.
func similarity(sx, sy, dx, dy, s, rot float64) affine {
	return general(sx, sy, dx, dy, s, rot, 1)
}

// general places the source scaled by s, rotated by rot in the image plane and then
// scaled horizontally by fore (a picture turned about the camera's vertical axis),
// with source point (sx, sy) at destination (dx, dy).
func general(sx, sy, dx, dy, s, rot, fore float64) affine {
	// Forward: d = K R S (p - ps) + pd, K = diag(fore, 1).
	c, n := math.Cos(rot), math.Sin(rot)
	m00, m01 := fore*s*c, -fore*s*n
	m10, m11 := s*n, s*c
	det := m00*m11 - m01*m10
	i00, i01, i10, i11 := m11/det, -m01/det, -m10/det, m00/det
	return affine{i00, i01, sx - i00*dx - i01*dy, i10, i11, sy - i10*dx - i11*dy}
}

// clone copies the layer.
func (l *layer) clone() *layer {
	return &layer{l.w, l.h, append([]float32(nil), l.pix...)}
}

// drawAffine composites src over l through the destination → source map a, with
// bilinear sampling, its colours multiplied by gain.
func (l *layer) drawAffine(src *layer, a affine, gain float64) {
	g := float32(gain)
	for y := range l.h {
		for x := range l.w {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			sx := a.a*fx + a.b*fy + a.c - 0.5
			sy := a.d*fx + a.e*fy + a.f - 0.5
			if sx < -1 || sy < -1 || sx >= float64(src.w) || sy >= float64(src.h) {
				continue
			}
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			tx, ty := float32(sx-float64(x0)), float32(sy-float64(y0))
			var px [4]float32
			for k, wgt := range [4]float32{(1 - tx) * (1 - ty), tx * (1 - ty), (1 - tx) * ty, tx * ty} {
				xx, yy := x0+k%2, y0+k/2
				if xx < 0 || yy < 0 || xx >= src.w || yy >= src.h || wgt == 0 {
					continue
				}
				i := 4 * (yy*src.w + xx)
				for c := range 4 {
					px[c] += src.pix[i+c] * wgt
				}
			}
			if px[3] <= 0 {
				continue
			}
			i := 4 * (y*l.w + x)
			for c := range 3 {
				l.pix[i+c] = px[c]*g + l.pix[i+c]*(1-px[3])
			}
			l.pix[i+3] = px[3] + l.pix[i+3]*(1-px[3])
		}
	}
}

// flatten turns the layer into an opaque image with ±amp sensor noise.
func (l *layer) flatten(rng *rand.Rand, amp float64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, l.w, l.h))
	for i := range l.w * l.h {
		n := 0.0
		if amp > 0 {
			n = (rng.Float64()*2 - 1) * amp
		}
		for c := range 3 {
			img.Pix[4*i+c] = clamp8(float64(l.pix[4*i+c]) + n)
		}
		img.Pix[4*i+3] = 255
	}
	return img
}

// wall is a plain, slightly textured and unevenly lit background.
func wall(seed uint64, w, h int) *layer {
	rng := rand.New(rand.NewPCG(seed, 0x3a11))
	base := qualitytest.HSV(rng.Float64(), 0.08+0.15*rng.Float64(), 0.62+0.25*rng.Float64())
	gx, gy := rng.Float64()*2-1, rng.Float64()*2-1
	f1, f2 := 0.02+0.03*rng.Float64(), 0.015+0.03*rng.Float64()
	l := newLayer(w, h)
	for y := range h {
		for x := range w {
			u, v := float64(x)/float64(w)-0.5, float64(y)/float64(h)-0.5
			k := 1 + 0.12*(gx*u+gy*v) + 0.015*math.Sin(float64(x)*f1+2*math.Sin(float64(y)*f2))
			i := 4 * (y*w + x)
			l.pix[i] = float32(float64(base.R) * k)
			l.pix[i+1] = float32(float64(base.G) * k)
			l.pix[i+2] = float32(float64(base.B) * k)
			l.pix[i+3] = 1
		}
	}
	return l
}

// StillPhotoVideo is the attack of challenge c by a printed photo of p held up to
// the camera and moved as an attacker would: straight at first, then translated,
// scaled up to ×1.5 for "closer", and for the turns rotated in the image plane by
// up to 10° and turned about the vertical axis until it is foreshortened to 70% of
// its width. Rotating then foreshortening shears the picture, which by geometry
// moves the nose along the eye line a little; the rotation goes the way that moves
// it towards the asked turn (the landmark net follows the shear only weakly).
func StillPhotoVideo(p Portrait, c liveness.Challenge) []Frame {
	print := printedPhoto(&p)
	bg := wall(seedOf(p.ID)+1, FrameW, FrameH)
	s := FaceShare * FrameW / p.Box.Width
	fx, fy := float64(print.w)/2, float64(print.h)*0.45 // the face in the print
	return timeline(c, func(step int, mv liveness.Move, phase int) image.Image {
		rng := jitter(p.ID+"/print", mv, phase)
		t := float64(phase) / 2
		scale, rot, fore := 1.0, 0.0, 1.0
		dx := (rng.Float64()*2 - 1) * 0.01 * FrameW
		dy := (rng.Float64()*2 - 1) * 0.01 * FrameW
		switch mv {
		case liveness.TurnLeft, liveness.TurnRight:
			sign := 1.0
			if mv == liveness.TurnRight {
				sign = -1
			}
			rot = sign * 10 * math.Pi / 180 * t
			fore = 1 - 0.3*t
			dx += sign * 0.06 * FrameW * t
		case liveness.Closer:
			scale = 1 + 0.5*t
		}
		a := general(fx, fy, FrameW/2+dx, FrameH/2+dy, s*scale, rot, fore)
		dst := bg.clone()
		dst.drawAffine(print, a, 1+(rng.Float64()*2-1)*0.03)
		return dst.flatten(rng, 2)
	})
}

// printedPhoto is p's head on a plain studio backdrop, cropped around the face,
// with a white border, as a printed photo.
func printedPhoto(p *Portrait) *layer {
	src := portraitLayer(p, false)
	fx, fy := p.Box.X+p.Box.Width/2, p.Box.Y+p.Box.Height/2
	pw, ph := int(2.2*p.Box.Width), int(2.8*p.Box.Height)
	out := newLayer(pw, ph)
	border := 0.05 * float64(pw)
	rng := rand.New(rand.NewPCG(seedOf(p.ID), 0x9a1))
	back := qualitytest.HSV(0.55+0.1*rng.Float64(), 0.12, 0.85)
	for y := range ph {
		for x := range pw {
			c := back
			if float64(x) < border || float64(y) < border || float64(x) >= float64(pw)-border || float64(y) >= float64(ph)-border {
				c = qualitytest.HSV(0, 0, 0.97)
			}
			i := 4 * (y*pw + x)
			out.pix[i], out.pix[i+1], out.pix[i+2], out.pix[i+3] = float32(c.R), float32(c.G), float32(c.B), 1
		}
	}
	// The head, facing the camera, inside the border.
	m := newHeadModel(p)
	turned := person(p, src, m, p.FrontalDeg)
	inner := &layer{pw, ph, make([]float32, 4*pw*ph)}
	inner.drawAffine(turned, similarity(fx, fy, float64(pw)/2, float64(ph)*0.45, 1, 0), 1)
	for y := int(border); y < ph-int(border); y++ {
		for x := int(border); x < pw-int(border); x++ {
			i := 4 * (y*pw + x)
			a := inner.pix[i+3]
			for c := range 3 {
				out.pix[i+c] = inner.pix[i+c] + out.pix[i+c]*(1-a)
			}
		}
	}
	return out
}

// HeldUpDocumentVideo is the attack of challenge c by an identity document held up
// to the camera: doc fills about 70% of the frame's width in front of a wall and
// moves a little (a few pixels, a degree or two, a few percent of scale) from frame
// to frame.
func HeldUpDocumentVideo(doc image.Image, c liveness.Challenge) []Frame {
	b := doc.Bounds()
	src := newLayer(b.Dx(), b.Dy())
	rgba := toRGBA(doc)
	for i := range b.Dx() * b.Dy() {
		for k := range 3 {
			src.pix[4*i+k] = float32(rgba.Pix[4*i+k])
		}
		src.pix[4*i+3] = 1
	}
	bg := wall(0xd0c, FrameW, FrameH)
	s := 0.7 * FrameW / float64(b.Dx())
	return timeline(c, func(step int, mv liveness.Move, phase int) image.Image {
		rng := jitter("document", mv, phase)
		dx := (rng.Float64()*2 - 1) * 0.02 * FrameW
		dy := (rng.Float64()*2 - 1) * 0.02 * FrameW
		rot := (rng.Float64()*2 - 1) * 2 * math.Pi / 180
		scale := 1 + (rng.Float64()*2-1)*0.04
		if mv == liveness.Closer {
			scale += 0.1 * float64(phase)
		}
		a := general(float64(b.Dx())/2, float64(b.Dy())/2, FrameW/2+dx, FrameH/2+dy, s*scale, rot, 1)
		dst := bg.clone()
		dst.drawAffine(src, a, 1+(rng.Float64()*2-1)*0.03)
		return dst.flatten(rng, 2)
	})
}
