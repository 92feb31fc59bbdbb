// Package pdf417 finds and decodes a PDF417 symbol in a photo, such as the barcode on
// the back of a North American driving licence: perspective, a few degrees of
// rotation, blur, noise, uneven light and JPEG artefacts are expected. Scanlines at
// several angles read codewords next to the start and stop patterns, every read votes
// for its row and column, and cells nobody agreed on become erasures for the
// Reed–Solomon decoder, whose check is what stands between a damaged photo and a wrong
// message. Only the standard library is used, so it also runs in WebAssembly.
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

// The passes of scanlines: angles in degrees and the spacing of parallel lines in
// pixels. The first is coarse and usually enough; the second, denser and finer in
// angle, only runs when the first could not decode.
var passes = []struct {
	from, to, step float64
	spacing        float64
}{
	{-12, 12, 3, 3},
	{-11, 11, 1, 1.5},
}

// Decode finds one PDF417 symbol in img and returns its message.
func Decode(img image.Image) ([]byte, error) {
	p := newPlane(img)
	s := &scanner{p: &p}
	err := ErrNotFound
	for _, ps := range passes {
		for a := ps.from; a <= ps.to+1e-9; a += ps.step {
			s.sweep(a*math.Pi/180, ps.spacing)
		}
		var msg []byte
		if msg, err = assemble(s.obs); err == nil {
			return msg, nil
		}
	}
	return nil, err
}

// sweep scans parallel lines at angle theta (radians from horizontal) covering the
// plane.
func (s *scanner) sweep(theta, spacing float64) {
	dx, dy := math.Cos(theta), math.Sin(theta)
	nx, ny := -dy, dx
	cx, cy := float64(s.p.w)/2, float64(s.p.h)/2
	half := math.Hypot(cx, cy)
	for off := -half; off <= half; off += spacing {
		s.scan(cx+off*nx-half*dx, cy+off*ny-half*dy, dx, dy)
	}
}
