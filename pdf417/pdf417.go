// Package pdf417 finds and decodes a PDF417 symbol in a photo, such as the barcode on
// the back of a North American driving licence: perspective, a few degrees of
// rotation (or upside down), blur, noise, uneven light and JPEG artefacts are
// expected. Scanlines at several angles read codewords next to the start and stop
// patterns, every read votes for its row and column, and cells nobody agreed on become
// erasures for the Reed–Solomon decoder, whose check is what stands between a damaged
// photo and a wrong message. The message comes back as bytes; ECI and Macro PDF417
// are skipped. Only the standard library is used, so it also runs in WebAssembly.
package pdf417

//go:generate sh -c "cd ../tools/pdf417table && go run . -o ../../pdf417/table.go"

import (
	"errors"
	"image"
	"math"
)

// Errors of Decode.
var (
	ErrNotFound = errors.New("pdf417: no symbol found")
	ErrChecksum = errors.New("pdf417: symbol too damaged to correct")
	ErrFormat   = errors.New("pdf417: corrected symbol holds malformed data")
)

// Decode finds one PDF417 symbol in img and returns its message. The symbol may be
// upside down.
func Decode(img image.Image) ([]byte, error) {
	p := newPlane(img)
	if p.w < 40 || p.h < 4 {
		return nil, ErrNotFound // too small to hold a symbol
	}
	msg, flipped, err := decode(&p)
	if errors.Is(err, ErrNotFound) && flipped {
		p.rotate180()
		msg, _, err = decode(&p)
	}
	return msg, err
}

// decode reads the plane as it lies, and reports whether it saw stop patterns the
// wrong way round, the sign of a symbol upside down.
//
// A sparse pass at three angles locates the symbol; denser passes over its
// neighbourhood then read it, the finer one only when the first could not decode.
func decode(p *plane) (msg []byte, flipped bool, err error) {
	s := &scanner{p: p}
	defer func() { flipped = s.flipped >= 3 }()
	full := image.Rect(0, 0, p.w, p.h)
	for _, a := range []float64{-8, 0, 8} {
		s.sweep(a, 4, full)
	}
	if msg, err := assemble(s.obs, s.loose); err == nil {
		return msg, false, nil // a sharp, level symbol needs no more
	}
	if s.patterns < 3 {
		return nil, false, ErrNotFound // not even the start or stop pattern: nothing to read
	}
	region, spacing := full, 3.0
	if !s.box.Empty() {
		// The sparse pass may have missed a row or two at the top and bottom.
		b := s.box
		margin := max(16, b.Dy()/6)
		region, spacing = b.Inset(-margin).Intersect(full), 2
	}
	for _, ps := range []struct{ from, step, spacing float64 }{{-12, 3, spacing}, {-11.5, 1, 1.5}} {
		for a := ps.from; a <= -ps.from+1e-9; a += ps.step {
			s.sweep(a, ps.spacing, region)
		}
		if msg, err = assemble(s.obs, s.loose); err == nil {
			return msg, false, nil
		}
		if s.lines == 0 {
			return nil, false, ErrNotFound // not a single row read: the finer pass would not help
		}
	}
	return nil, false, err
}

// sweep scans parallel lines at angle deg (degrees from horizontal), spacing pixels
// apart, across r.
func (s *scanner) sweep(deg, spacing float64, r image.Rectangle) {
	theta := deg * math.Pi / 180
	slope := math.Tan(theta)
	step := spacing / math.Cos(theta)
	ya, yb := slope*float64(r.Min.X), slope*float64(r.Max.X)
	for c := float64(r.Min.Y) - math.Max(ya, yb); c <= float64(r.Max.Y)-math.Min(ya, yb); c += step {
		s.scan(c, slope, r)
	}
}
