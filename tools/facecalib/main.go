// Command facecalib calibrates the face-match thresholds on real faces: it
// takes every face of face-api's demo photos, makes copies degraded as an
// identity-document portrait or a selfie would show the face, detects the
// face again in each copy, and reports the descriptor distances of genuine
// (same person) and impostor (different people) pairs as markdown.
//
// Run it from the repository root with
//
//	go -C tools/facecalib run .
//
// Everything is deterministic: the random degradations use fixed seeds.
package main

import (
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/rampart-id/rampart/face"
)

var (
	opts           = face.DetectOptions{InputSize: 416, ScoreThreshold: 0.5}
	landmarkNet    *face.LandmarkNet
	recognitionNet *face.RecognitionNet
)

const (
	minScore = 0.5
	minWidth = 40.0
	// lowScore is the detection threshold of the search in degraded copies.
	lowScore = 0.2
	// smallFace is the face width variant (c) scales to.
	smallFace = 70.0
)

// variant is one way to degrade a face portrait. apply returns the degraded
// image and the factor by which the face's size changed.
type variant struct {
	key, name string
	apply     func(p *image.RGBA, rng *rand.Rand, faceWidth float64) (image.Image, float64)
}

var variants = []variant{
	{"clean", "crop on grey, no degradation (control)", func(p *image.RGBA, _ *rand.Rand, _ float64) (image.Image, float64) {
		return p, 1
	}},
	{"a", "printed and re-photographed (blur σ1, contrast 0.7, warm cast, perspective, noise σ6, JPEG q60)", func(p *image.RGBA, rng *rand.Rand, _ float64) (image.Image, float64) {
		return printed(p, rng, false), 0.92
	}},
	{"b", "grayscale", func(p *image.RGBA, _ *rand.Rand, _ float64) (image.Image, float64) {
		return grayscale(p), 1
	}},
	{"c", "downscaled to a face ~70 px wide", func(p *image.RGBA, _ *rand.Rand, w float64) (image.Image, float64) {
		f := min(1, smallFace/w)
		return downscale(p, f), f
	}},
	{"d", "Gaussian blur σ2", func(p *image.RGBA, _ *rand.Rand, _ float64) (image.Image, float64) {
		return gaussianBlur(p, 2), 1
	}},
	{"e", "JPEG q25", func(p *image.RGBA, _ *rand.Rand, _ float64) (image.Image, float64) {
		return jpegRoundTrip(p, 25), 1
	}},
	{"f", "rotated 8°", func(p *image.RGBA, _ *rand.Rand, _ float64) (image.Image, float64) {
		return rotate(p, 8), 1
	}},
	{"g", "(a) printed and re-photographed, in grey", func(p *image.RGBA, rng *rand.Rand, _ float64) (image.Image, float64) {
		return printed(p, rng, true), 0.92
	}},
}

// sample is one descriptor: a person's original face (variant -1) or a
// degraded copy (an index into variants).
type sample struct {
	person, variant int
	score           float64
	desc            *face.Descriptor
}

type person struct {
	name string
	det  face.Face
}

func main() {
	testdata := flag.String("testdata", "", "directory with sample1.jpg … sample6.jpg (default: face/testdata of this repository)")
	dump := flag.String("dump", "", "if set, write every degraded image as PNG into this directory")
	flag.Parse()
	start := time.Now()
	var err error
	if landmarkNet, err = face.DefaultLandmarkNet(); err != nil {
		fatal(err)
	}
	if recognitionNet, err = face.DefaultRecognitionNet(); err != nil {
		fatal(err)
	}
	if *testdata == "" {
		*testdata = findTestdata()
	}
	if *dump != "" {
		if err := os.MkdirAll(*dump, 0o755); err != nil {
			fatal(err)
		}
	}

	var people []person
	var samples []sample
	var missed, skipped []string
	photos := 0
	for i := 1; ; i++ {
		path := filepath.Join(*testdata, fmt.Sprintf("sample%d.jpg", i))
		img, err := load(path)
		if os.IsNotExist(err) && i > 1 {
			break
		}
		if err != nil {
			fatal(err)
		}
		photos++
		src := toRGBA(img)
		faces, err := face.DetectAll(img, opts)
		if err != nil {
			fatal(err)
		}
		for k, f := range faces {
			if f.Score < minScore || f.Box.Width < minWidth {
				continue
			}
			name := fmt.Sprintf("sample%d#%d", i, k)
			if overlapped(faces, k) {
				skipped = append(skipped, name)
				continue
			}
			p := len(people)
			people = append(people, person{name, f})
			samples = append(samples, sample{p, -1, f.Score, f.Descriptor})
			box := image.Rect(int(f.Box.X), int(f.Box.Y), int(f.Box.X+f.Box.Width), int(f.Box.Y+f.Box.Height))
			base := portrait(src, box)
			for v, vr := range variants {
				rng := rand.New(rand.NewPCG(uint64(i), uint64(k*100+v)))
				deg, scale := vr.apply(base, rng, f.Box.Width)
				if *dump != "" {
					writePNG(filepath.Join(*dump, fmt.Sprintf("sample%d_%d_%s.png", i, k, vr.key)), deg)
				}
				d, score, ok := redetect(deg, f.Box.Width*scale)
				if !ok {
					missed = append(missed, name+" ("+vr.key+")")
					continue
				}
				samples = append(samples, sample{p, v, score, d})
			}
			fmt.Fprintf(os.Stderr, "%s: %d variants, %.1fs\n", name, len(variants), time.Since(start).Seconds())
		}
	}
	report(os.Stdout, photos, people, samples, missed, skipped)
	fmt.Fprintf(os.Stderr, "done in %.1fs\n", time.Since(start).Seconds())
}

// redetect finds the face again in a degraded portrait: the detection
// whose box centre is nearest the image centre, which must lie within
// 0.35 of the expected face width of it. It searches down to a score of
// lowScore so that the descriptor of a face the verifier's threshold would
// miss is still measured; the score is returned.
func redetect(img image.Image, width float64) (*face.Descriptor, float64, bool) {
	dets, err := face.Detect(img, face.DetectOptions{InputSize: opts.InputSize, ScoreThreshold: lowScore})
	if err != nil {
		fatal(err)
	}
	b := img.Bounds()
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	best, bestD := -1, math.Inf(1)
	for i, d := range dets {
		dist := math.Hypot(d.Box.X+d.Box.Width/2-cx, d.Box.Y+d.Box.Height/2-cy)
		if dist < bestD {
			best, bestD = i, dist
		}
	}
	if best < 0 || bestD > 0.35*width {
		return nil, 0, false
	}
	lm, err := landmarkNet.Landmarks(img, dets[best].Box)
	if err != nil {
		fatal(err)
	}
	desc, err := recognitionNet.Descriptor(img, lm)
	if err != nil {
		fatal(err)
	}
	return desc, dets[best].Score, true
}

// overlapped reports whether more than a quarter of face i's box lies in
// the box of a face scoring higher: a box between two neighbouring faces,
// which is no one's face.
func overlapped(faces []face.Face, i int) bool {
	a := faces[i].Box
	for j, f := range faces {
		if j == i || f.Score <= faces[i].Score {
			continue
		}
		b := f.Box
		w := math.Min(a.X+a.Width, b.X+b.Width) - math.Max(a.X, b.X)
		h := math.Min(a.Y+a.Height, b.Y+b.Height) - math.Max(a.Y, b.Y)
		if w > 0 && h > 0 && w*h > 0.25*a.Width*a.Height {
			return true
		}
	}
	return false
}

func load(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return jpeg.Decode(f)
}

func writePNG(path string, img image.Image) {
	f, err := os.Create(path)
	if err != nil {
		fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		fatal(err)
	}
	if err := f.Close(); err != nil {
		fatal(err)
	}
}

// findTestdata walks up from the working directory to the repository's
// face/testdata.
func findTestdata() string {
	dir, err := os.Getwd()
	if err != nil {
		fatal(err)
	}
	for {
		p := filepath.Join(dir, "face", "testdata")
		if _, err := os.Stat(filepath.Join(p, "sample1.jpg")); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			fatal(fmt.Errorf("face/testdata not found above the working directory; use -testdata"))
		}
		dir = parent
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "facecalib:", err)
	os.Exit(1)
}
