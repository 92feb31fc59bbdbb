package reference

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// DemoNames are the package's own sample photos, in demo/.
var DemoNames = []string{"sample1.jpg", "sample2.jpg", "sample3.jpg", "sample4.jpg", "sample5.jpg", "sample6.jpg"}

// Variant names, appended to the source image's name after a '+'.
const (
	VariantRotate = "rotate7" // rotated 7° counter-clockwise about the centre, same size
	VariantHalf   = "half"    // 2x2 box-averaged to half size
	VariantDark   = "dark"    // every channel times 0.6
	VariantJPEG   = "jpeg30"  // re-encoded by Go's JPEG encoder at quality 30
	rotateDegrees = 7.0       // for VariantRotate
	darkFactor    = 0.6       // for VariantDark
	jpegQuality   = 30        // for VariantJPEG
	variantSource = "sample1.jpg"
)

// Inputs is the image set the reference test runs on: the six demo photos, decoded by
// Go, and the variants of sample1.jpg. It needs the npm package but no browser, so a
// Go implementation can rebuild the exact same pixels to compare with a dump.
func Inputs(t testing.TB) map[string]image.Image {
	t.Helper()
	dir := filepath.Join(PackageDir(t), "demo")
	out := map[string]image.Image{}
	for _, name := range DemoNames {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("reference: %v", err)
		}
		img, _, err := image.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("reference: decode %s: %v", name, err)
		}
		out[name] = img
	}
	for v, img := range Variants(out[variantSource]) {
		out[variantSource+"+"+v] = img
	}
	return out
}

// Variants derives the test variants of src, keyed by variant name. Every one is
// deterministic Go code, so it produces the same pixels on every machine.
func Variants(src image.Image) map[string]image.Image {
	p := Pixels(src)
	return map[string]image.Image{
		VariantRotate: rotate(p, rotateDegrees),
		VariantHalf:   half(p),
		VariantDark:   scale(p, darkFactor),
		VariantJPEG:   recompress(p, jpegQuality),
	}
}

// VariantPoint maps a point of the source image (pixel coordinates, as face-api
// reports them) to where it lies in the variant, for matching faces across variants.
func VariantPoint(variant string, w, h int, x, y float64) (float64, float64) {
	switch variant {
	case VariantHalf:
		return x / 2, y / 2
	case VariantRotate:
		// Forward rotation by +θ on screen (y down): counter-clockwise as seen.
		a := rotateDegrees * math.Pi / 180
		cx, cy := float64(w)/2, float64(h)/2
		dx, dy := x-cx, y-cy
		return cx + dx*math.Cos(a) + dy*math.Sin(a), cy - dx*math.Sin(a) + dy*math.Cos(a)
	}
	return x, y
}

// rotate turns the image counter-clockwise by deg about its centre, sampling
// bilinearly; corners brought in from outside are black.
func rotate(p *image.RGBA, deg float64) *image.RGBA {
	w, h := p.Rect.Dx(), p.Rect.Dy()
	out := image.NewRGBA(p.Rect)
	a := deg * math.Pi / 180
	cos, sin := math.Cos(a), math.Sin(a)
	cx, cy := float64(w)/2, float64(h)/2
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			// Inverse of VariantPoint's mapping, at the pixel centre.
			dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
			sx := cx + dx*cos - dy*sin - 0.5
			sy := cy + dx*sin + dy*cos - 0.5
			out.SetRGBA(x, y, bilinear(p, sx, sy))
		}
	}
	return out
}

func bilinear(p *image.RGBA, x, y float64) color.RGBA {
	w, h := p.Rect.Dx(), p.Rect.Dy()
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := x-float64(x0), y-float64(y0)
	var acc [3]float64
	for _, s := range [4]struct {
		x, y int
		wt   float64
	}{{x0, y0, (1 - fx) * (1 - fy)}, {x0 + 1, y0, fx * (1 - fy)}, {x0, y0 + 1, (1 - fx) * fy}, {x0 + 1, y0 + 1, fx * fy}} {
		if s.x < 0 || s.y < 0 || s.x >= w || s.y >= h {
			continue // black outside
		}
		i := p.PixOffset(s.x, s.y)
		for c := 0; c < 3; c++ {
			acc[c] += s.wt * float64(p.Pix[i+c])
		}
	}
	return color.RGBA{round8(acc[0]), round8(acc[1]), round8(acc[2]), 255}
}

func half(p *image.RGBA) *image.RGBA {
	w, h := p.Rect.Dx()/2, p.Rect.Dy()/2
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			o := out.PixOffset(x, y)
			for c := 0; c < 3; c++ {
				sum := int(p.Pix[p.PixOffset(2*x, 2*y)+c]) + int(p.Pix[p.PixOffset(2*x+1, 2*y)+c]) +
					int(p.Pix[p.PixOffset(2*x, 2*y+1)+c]) + int(p.Pix[p.PixOffset(2*x+1, 2*y+1)+c])
				out.Pix[o+c] = uint8((sum + 2) / 4)
			}
			out.Pix[o+3] = 255
		}
	}
	return out
}

func scale(p *image.RGBA, f float64) *image.RGBA {
	out := image.NewRGBA(p.Rect)
	for i := range p.Pix {
		if i%4 == 3 {
			out.Pix[i] = 255
			continue
		}
		out.Pix[i] = round8(float64(p.Pix[i]) * f)
	}
	return out
}

func recompress(p *image.RGBA, q int) image.Image {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, p, &jpeg.Options{Quality: q}); err != nil {
		panic(err) // encoding to memory cannot fail
	}
	img, err := jpeg.Decode(&b)
	if err != nil {
		panic(err)
	}
	return img
}

func round8(v float64) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}
