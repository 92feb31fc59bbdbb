package facetest

import (
	"image"
	"math"

	"github.com/rampart-id/rampart/face"
)

// headModel is the depth of a face photo: the head is a vertical ridge (of Gaussian
// profile, so that turning it never folds the far cheek over itself) through the
// middle of the jaw line, with a nose ridge from the bridge (landmark 27) to the
// tip (30) standing out of it. Rows below the chin belong to the body, which does
// not turn with the head.
type headModel struct {
	cx, r, d     float64 // axis, radius, depth at the axis
	bridge, tip  face.Point
	subnasal     float64 // y of the nose's base (landmark 33)
	noseH, noseW float64 // nose height over the cylinder at the tip; half width at the tip
	neckTop      float64 // rows below turn less and less…
	neckBottom   float64 // … and not at all from here
	eyeL, eyeR   face.Point
}

// Depth model parameters, as fractions of the outer eye-corner distance (iod) or of
// the half jaw width. Chosen so that the landmark net's yaw follows the turn.
const (
	headRadius = 1.05 // × half the distance between landmarks 0 and 16
	headDepth  = 0.8  // × radius
	headSpread = 0.6  // × radius, the ridge's Gaussian width
	noseHeight = 0.45 // × iod
	noseWidth  = 0.16 // × iod, the nose tip's Gaussian half width
)

func newHeadModel(p *Portrait) *headModel {
	lm := &p.Landmarks
	iod := math.Hypot(lm[45].X-lm[36].X, lm[45].Y-lm[36].Y)
	half := math.Abs(lm[16].X-lm[0].X) / 2
	m := &headModel{
		cx:       (lm[0].X + lm[16].X) / 2,
		r:        headRadius * half,
		bridge:   lm[27],
		tip:      lm[30],
		subnasal: math.Max(lm[33].Y, lm[30].Y+1),
		noseH:    noseHeight * iod,
		noseW:    noseWidth * iod,
		eyeL:     lm[36],
		eyeR:     lm[45],
	}
	m.d = headDepth * m.r
	chin := lm[8].Y
	m.neckTop = chin + 0.1*p.Box.Height
	m.neckBottom = chin + 0.6*p.Box.Height
	return m
}

// z is the depth (towards the camera) of the surface seen at (x, y).
func (m *headModel) z(x, y float64) float64 {
	u := (x - m.cx) / m.r
	z := m.d * math.Exp(-u*u/(2*headSpread*headSpread))
	// Nose: a ridge whose height grows from the bridge to the tip, then drops to the
	// nose's base.
	var h, nx, w float64
	switch {
	case y <= m.bridge.Y:
		t := (m.bridge.Y - y) / (0.25 * m.noseH / noseHeight)
		h, nx, w = 0.3*m.noseH*math.Exp(-t*t), m.bridge.X, 0.6*m.noseW
	case y <= m.tip.Y:
		t := (y - m.bridge.Y) / math.Max(1, m.tip.Y-m.bridge.Y)
		h = m.noseH * (0.3 + 0.7*t)
		nx = m.bridge.X + t*(m.tip.X-m.bridge.X)
		w = m.noseW * (0.6 + 0.4*t)
	default:
		t := (y - m.tip.Y) / (m.subnasal - m.tip.Y)
		h, nx, w = m.noseH*math.Exp(-t*t), m.tip.X, m.noseW
	}
	dx := (x - nx) / w
	return z + h*math.Exp(-dx*dx/2)
}

// weight is the share of the head's turn made by row y: 1 down to the chin, 0 for
// the shoulders.
func (m *headModel) weight(y float64) float64 {
	if y <= m.neckTop {
		return 1
	}
	if y >= m.neckBottom {
		return 0
	}
	t := (y - m.neckTop) / (m.neckBottom - m.neckTop)
	return 1 - t*t*(3-2*t)
}

// project is where the model moves point (x, y) when the head turns by theta
// radians.
func (m *headModel) project(x, y, theta float64) float64 {
	th := theta * m.weight(y)
	X, Z := x-m.cx, m.z(x, y)
	return m.cx + X*math.Cos(th) + Z*math.Sin(th)
}

// yawAt predicts liveness.PoseOf's yaw after a turn of deg degrees from where the
// eye corners and nose tip land, before any measurement.
func (m *headModel) yawAt(deg float64) float64 {
	th := deg * math.Pi / 180
	l := face.Point{X: m.project(m.eyeL.X, m.eyeL.Y, th), Y: m.eyeL.Y}
	r := face.Point{X: m.project(m.eyeR.X, m.eyeR.Y, th), Y: m.eyeR.Y}
	n := face.Point{X: m.project(m.tip.X, m.tip.Y, th), Y: m.tip.Y}
	dx, dy := r.X-l.X, r.Y-l.Y
	mx, my := (l.X+r.X)/2, (l.Y+r.Y)/2
	return ((n.X-mx)*dx + (n.Y-my)*dy) / (dx*dx + dy*dy)
}

// angleFor is the turn in degrees (within ±40) the model predicts changes the yaw
// by dyaw.
func (m *headModel) angleFor(dyaw float64) float64 {
	y0 := m.yawAt(0)
	lo, hi := -40.0, 40.0
	for range 40 {
		mid := (lo + hi) / 2
		if m.yawAt(mid)-y0 < dyaw {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// layer is an image with premultiplied float RGBA, for resampling with opacity.
type layer struct {
	w, h int
	pix  []float32 // 4 per pixel: r, g, b (premultiplied), a; 0..255 and 0..1
}

func newLayer(w, h int) *layer { return &layer{w, h, make([]float32, 4*w*h)} }

// portraitLayer is the portrait's photo, with the person's mask as opacity when
// masked, else opaque.
func portraitLayer(p *Portrait, masked bool) *layer {
	w, h := p.Image.Rect.Dx(), p.Image.Rect.Dy()
	l := newLayer(w, h)
	for i := range w * h {
		a := float32(1)
		if masked {
			a = p.mask[i]
		}
		for c := range 3 {
			l.pix[4*i+c] = float32(p.Image.Pix[4*i+c]) * a
		}
		l.pix[4*i+3] = a
	}
	return l
}

// rgba flattens the layer over black (an opaque layer keeps its colours).
func (l *layer) rgba() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, l.w, l.h))
	for i := range l.w * l.h {
		for c := range 3 {
			img.Pix[4*i+c] = clamp8(float64(l.pix[4*i+c]))
		}
		img.Pix[4*i+3] = 255
	}
	return img
}

// Turn synthesises the portrait's head turned about the vertical axis by yawDeg
// degrees: positive turns the person to their own left (the nose moves towards the
// right of the image), negative to their right. The image is the portrait's crop,
// background included, warped by the depth model: each row of the photo is moved
// as the head's surface would be seen after the turn, nearer surface hiding farther
// (the nose hides the far cheek), with the shoulders staying put.
func Turn(p Portrait, yawDeg float64) image.Image {
	return turnLayer(portraitLayer(&p, false), newHeadModel(&p), yawDeg).rgba()
}

// turnLayer renders src turned by deg degrees under model m.
func turnLayer(src *layer, m *headModel, deg float64) *layer {
	if deg == 0 {
		return src
	}
	out := newLayer(src.w, src.h)
	theta := deg * math.Pi / 180
	const step = 0.5 // source samples per pixel: 2
	n := int(float64(src.w)/step) + 1
	xs := make([]float64, n) // output x of each source sample
	zs := make([]float64, n) // depth after the turn
	srcX := make([]float64, src.w)
	zbuf := make([]float64, src.w)
	for y := range src.h {
		fy := float64(y) + 0.5
		th := theta * m.weight(fy)
		c, s := math.Cos(th), math.Sin(th)
		for i := range n {
			x := float64(i) * step
			X, Z := x-m.cx, m.z(x, fy)
			xs[i] = m.cx + X*c + Z*s
			zs[i] = -X*s + Z*c
		}
		for i := range zbuf {
			zbuf[i] = math.Inf(-1)
			srcX[i] = math.NaN()
		}
		// Rasterise each segment between consecutive samples, keeping the nearest.
		for i := 0; i+1 < n; i++ {
			a, b := xs[i], xs[i+1]
			lo, hi := math.Min(a, b), math.Max(a, b)
			for px := max(0, int(math.Ceil(lo-0.5))); px < src.w && float64(px)+0.5 <= hi; px++ {
				t := 0.0
				if b != a {
					t = (float64(px) + 0.5 - a) / (b - a)
				}
				z := zs[i] + t*(zs[i+1]-zs[i])
				if z > zbuf[px] {
					zbuf[px] = z
					srcX[px] = (float64(i) + t) * step
				}
			}
		}
		row := src.pix[4*y*src.w : 4*(y+1)*src.w]
		dst := out.pix[4*y*src.w : 4*(y+1)*src.w]
		for px := range src.w {
			x := srcX[px]
			if math.IsNaN(x) { // beyond the row's ends: stretch the border
				x = m.cx + (float64(px)+0.5-m.cx)/c
			}
			x = math.Max(0, math.Min(float64(src.w-1), x-0.5))
			x0 := int(x)
			x1 := min(x0+1, src.w-1)
			f := float32(x - float64(x0))
			for k := range 4 {
				dst[4*px+k] = row[4*x0+k]*(1-f) + row[4*x1+k]*f
			}
		}
	}
	return out
}

// person is the portrait cut out by its mask and turned by deg degrees, then cut
// again by the mask moved sideways with the face (by the axis' shift): the turn
// shows only the person, in an outline that keeps its shape.
func person(p *Portrait, opaque *layer, m *headModel, deg float64) *layer {
	src := opaque.clone()
	for i, a := range p.mask {
		for c := range 4 {
			src.pix[4*i+c] *= a
		}
	}
	t := turnLayer(src, m, deg)
	th := deg * math.Pi / 180
	for y := range t.h {
		fy := float64(y) + 0.5
		shift := m.d * math.Sin(th*m.weight(fy))
		row := p.mask[y*t.w : (y+1)*t.w]
		for x := range t.w {
			sx := float64(x) - shift
			x0 := int(math.Floor(sx))
			f := float32(sx - float64(x0))
			var a float32
			if x0 >= 0 && x0 < t.w {
				a += row[x0] * (1 - f)
			}
			if x0+1 >= 0 && x0+1 < t.w {
				a += row[x0+1] * f
			}
			i := 4 * (y*t.w + x)
			for c := range 4 {
				t.pix[i+c] *= a
			}
		}
	}
	return t
}
