// Package facetest builds test material from the real faces of the demo photos in
// face/testdata: cropped portraits, synthetic head turns, camera videos of a live
// person and of the attacks a liveness check must refuse (a printed photo moved
// about, an identity document held up), passport-style pages, and a looping video
// for a headless browser's fake camera. Everything is deterministic.
package facetest

import (
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/rampart-id/rampart/face"
	"github.com/rampart-id/rampart/liveness"
)

// Portrait is one clearly visible face of a demo photo, cropped with a margin.
// Coordinates are in Image's pixels (its bounds start at 0, 0).
type Portrait struct {
	ID         string // "sample1/0": photo and face index, stable across runs
	Image      *image.RGBA
	Box        face.Rect      // the detector's box
	Score      float64        // the detector's score
	Landmarks  face.Landmarks // 68 points
	Descriptor face.Descriptor
	// Yaw is liveness.PoseOf's yaw of the face in the photo: many people in the demo
	// photos look a little to one side. The videos turn the head by FrontalDeg to
	// present it straight.
	Yaw float64
	// FrontalDeg is the synthetic turn (see Turn) that brings the face to look at the
	// camera, estimated from the depth model.
	FrontalDeg float64

	mask []float32 // per-pixel opacity: the head and shoulders, neighbours cut out
}

// Selection of the portraits.
const (
	MinBoxWidth = 70  // pixels, in the original photo
	MinScore    = 0.6 // detector score
)

// LiveIDs are the portraits whose synthetic turns the Go pipeline follows with a
// margin (a change of yaw of at least 0.2 each way at TurnDeg, the face found in
// every frame): LiveVideo of these passes every challenge, as the tests check. The
// turns of other portraits are weaker, or lose the face at TurnDeg.
var LiveIDs = []string{"sample3/1", "sample4/2", "sample5/3", "sample6/0", "sample2/0"}

var (
	portraitsOnce sync.Once
	portraits     []Portrait
	portraitsErr  error
)

// TestdataDir is face/testdata, found from this source file so that tests of any
// package can read it.
func TestdataDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}

// Portraits returns every clearly visible face of the demo photos sample1.jpg …
// sample6.jpg, in photo order then detector order. It runs the detector once per
// process; callers must not modify the result.
func Portraits() ([]Portrait, error) {
	portraitsOnce.Do(func() { portraits, portraitsErr = loadPortraits() })
	return portraits, portraitsErr
}

// PortraitByID returns the portrait with the given ID.
func PortraitByID(id string) (Portrait, error) {
	ps, err := Portraits()
	if err != nil {
		return Portrait{}, err
	}
	for _, p := range ps {
		if p.ID == id {
			return p, nil
		}
	}
	return Portrait{}, fmt.Errorf("facetest: no portrait %q", id)
}

func loadPortraits() ([]Portrait, error) {
	ln, err := face.DefaultLandmarkNet()
	if err != nil {
		return nil, err
	}
	rn, err := face.DefaultRecognitionNet()
	if err != nil {
		return nil, err
	}
	var out []Portrait
	for i := 1; i <= 6; i++ {
		name := fmt.Sprintf("sample%d", i)
		f, err := os.Open(filepath.Join(TestdataDir(), name+".jpg"))
		if err != nil {
			return nil, err
		}
		img, err := jpeg.Decode(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		src := toRGBA(img)
		dets, err := face.Detect(src, face.DetectOptions{InputSize: 416, ScoreThreshold: 0.5})
		if err != nil {
			return nil, err
		}
		for k, d := range dets {
			if d.Score < MinScore || d.Box.Width < MinBoxWidth {
				continue
			}
			lm, err := ln.Landmarks(src, d.Box)
			if err != nil {
				return nil, err
			}
			desc, err := rn.Descriptor(src, lm)
			if err != nil {
				return nil, err
			}
			var others []face.Rect
			for j, o := range dets {
				// A second, weaker box on the same face is not a neighbour.
				same := math.Abs(o.Box.X+o.Box.Width/2-(d.Box.X+d.Box.Width/2)) < 0.6*d.Box.Width &&
					math.Abs(o.Box.Y+o.Box.Height/2-(d.Box.Y+d.Box.Height/2)) < 0.6*d.Box.Height
				if j != k && !same {
					others = append(others, o.Box)
				}
			}
			out = append(out, crop(fmt.Sprintf("%s/%d", name, k), src, d, lm, desc, others))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("facetest: no faces found in %s", TestdataDir())
	}
	return out, nil
}

// crop cuts the face out with a margin of about one box width each side, one above
// and 1.4 below (for the neck and shoulders), clipped to the photo.
func crop(id string, src *image.RGBA, d face.Detection, lm *face.Landmarks, desc *face.Descriptor, others []face.Rect) Portrait {
	b := d.Box
	r := image.Rect(int(b.X-b.Width), int(b.Y-b.Height), int(b.X+2*b.Width), int(b.Y+2.4*b.Height)).Intersect(src.Bounds())
	img := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(img, img.Bounds(), src, r.Min, draw.Src)
	ox, oy := float64(r.Min.X), float64(r.Min.Y)
	p := Portrait{ID: id, Image: img, Score: d.Score, Descriptor: *desc}
	p.Box = face.Rect{X: b.X - ox, Y: b.Y - oy, Width: b.Width, Height: b.Height}
	for i, q := range lm {
		p.Landmarks[i] = face.Point{X: q.X - ox, Y: q.Y - oy}
	}
	p.Yaw = liveness.PoseOf(lm, b, src.Bounds().Dx(), src.Bounds().Dy()).Yaw
	m := newHeadModel(&p)
	p.FrontalDeg = m.angleFor(-p.Yaw)
	var rel []face.Rect
	for _, o := range others {
		rel = append(rel, face.Rect{X: o.X - ox, Y: o.Y - oy, Width: o.Width, Height: o.Height})
	}
	p.mask = headMask(&p, rel)
	return p
}

// headMask is the opacity of the person: an ellipse around the head joined to a
// wider one for the shoulders, with soft edges, minus the heads of other people
// where they are nearer than this person's.
func headMask(p *Portrait, others []face.Rect) []float32 {
	w, h := p.Image.Rect.Dx(), p.Image.Rect.Dy()
	b := p.Box
	cx := (p.Landmarks[0].X + p.Landmarks[16].X) / 2
	hx, hy, hrx, hry := cx, b.Y+0.45*b.Height, 0.68*b.Width, 0.86*b.Height
	sx, sy, srx, sry := cx, b.Y+2.1*b.Height, 1.25*b.Width, 0.95*b.Height
	nx, nrx := cx, 0.33*b.Width // neck
	feather := 0.12 * b.Width
	mask := make([]float32, w*h)
	for y := range h {
		for x := range w {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			d := ellipseDist(fx, fy, hx, hy, hrx, hry)
			d = math.Min(d, ellipseDist(fx, fy, sx, sy, srx, sry))
			if fy > hy && fy < sy {
				d = math.Min(d, math.Abs(fx-nx)-nrx)
			}
			a := smooth(-d / feather)
			ds := math.Hypot((fx-(b.X+b.Width/2))/b.Width, (fy-(b.Y+b.Height/2))/b.Height)
			for _, o := range others {
				// Cut out a neighbour's head where it is nearer than this one's.
				dn := math.Hypot((fx-(o.X+o.Width/2))/o.Width, (fy-(o.Y+o.Height/2))/o.Height)
				if dn < 1.4 {
					a *= 1 - smooth((ds-dn)/0.25)*smooth((1.4-dn)/0.3)
				}
			}
			mask[y*w+x] = float32(a)
		}
	}
	return mask
}

// ellipseDist approximates the signed distance in pixels from (x, y) to an ellipse's
// outline (negative inside).
func ellipseDist(x, y, cx, cy, rx, ry float64) float64 {
	dx, dy := (x-cx)/rx, (y-cy)/ry
	r := math.Hypot(dx, dy)
	return (r - 1) * math.Min(rx, ry)
}

// smooth maps t to 0 below 0, 1 above 1 and a smooth step between.
func smooth(t float64) float64 {
	t = math.Max(0, math.Min(1, t+0.5))
	return t * t * (3 - 2*t)
}

// Noise returns a w×h image of uniform random RGB noise.
func Noise(seed int64, w, h int) image.Image {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x0015e))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		v := rng.Uint32()
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(v), uint8(v>>8), uint8(v>>16), 255
	}
	return img
}

func toRGBA(img image.Image) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	return out
}

func clamp8(v float64) uint8 {
	if v <= 0 {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return uint8(v + 0.5)
}

// seedOf turns a portrait ID into a seed.
func seedOf(id string) uint64 {
	h := uint64(1469598103934665603)
	for i := 0; i < len(id); i++ {
		h = (h ^ uint64(id[i])) * 1099511628211
	}
	return h
}
