package ocr

import (
	"errors"
	"image"
	"math"
	"time"

	"github.com/rampart-id/rampart/mrz"
)

// Errors of Read and ReadDocument (besides mrz.Parse's, when a zone was read but its
// check digits do not hold).
var (
	ErrNotFound = errors.New("ocr: no machine-readable zone found")
	// ErrUnsure: a character no check digit can vouch for (in a name, a country
	// code, the sex, or one whose runner-up has the same check value, such as S
	// and 8) could not be told apart from the runner-up.
	ErrUnsure = errors.New("ocr: unchecked characters unsure")
)

// Result is a zone as read.
type Result struct {
	Lines  []string
	Box    [4]image.Point // the zone's corners in img: top left, top right, bottom right, bottom left as read
	Format mrz.Format
}

const (
	maxSide   = 2000 // the photo is averaged down to this first
	detectMax = 1100 // lines are found at this resolution or below
	// minMean is the mean correlation below which a read is no zone at all.
	minMean  = 0.45
	maxCands = 6 // zone candidates tried
)

// Read finds the machine-readable zone of a photo of a document and reads its
// characters, without checking them: the zone that looks best.
func Read(img image.Image) (Result, error) {
	r := newReader(img)
	var best reading
	for _, c := range r.candidates() {
		if rd := r.orientations(c)[0]; rd.mean > best.mean {
			best = rd
		}
	}
	if best.mean < minMean {
		return Result{}, ErrNotFound
	}
	return best.result(r, best.text()), nil
}

// ReadDocument reads the zone and parses it, trying the candidate zones and both
// orientations, likeliest first. It returns a document only when every check digit
// holds and each character no check digit covers was read clearly; otherwise
// ErrNotFound, or the error (ErrUnsure or mrz.Parse's) of the reading that looked
// most like a zone.
func ReadDocument(img image.Image, now time.Time) (mrz.Document, Result, error) {
	r := newReader(img)
	err := ErrNotFound
	var errMean float32
	for _, c := range r.candidates() {
		for _, rd := range r.orientations(c) {
			if rd.mean < minMean {
				continue
			}
			rd.classify()
			if rd.mean < minMean {
				continue
			}
			doc, lines, e := rd.parse(now)
			if e == nil {
				return doc, rd.result(r, lines), nil
			}
			if rd.mean > errMean {
				err, errMean = e, rd.mean
			}
		}
	}
	return mrz.Document{}, Result{}, err
}

// reader holds a photo at the resolutions the reading uses.
type reader struct {
	levels []*plane // levels[0] the photo at most maxSide, each next one half
	f0     int      // the photo's pixels per pixel of levels[0]
	det    int      // the index of the level lines are found in
	min    image.Point
	angle  float64
}

func newReader(img image.Image) *reader {
	g, f := grayOf(img, maxSide)
	r := &reader{levels: []*plane{g}, f0: f, min: img.Bounds().Min}
	for p := g; max(p.w, p.h) > detectMax && min(p.w, p.h) >= 2; {
		p = p.half()
		r.levels = append(r.levels, p)
		r.det++
	}
	return r
}

// candidate is a zone to try: its lines and format.
type candidate struct {
	lines  []*chain
	angle  float64 // of the frame the chains were measured in
	format mrz.Format
}

// geoms are the candidate's lines as read, top to bottom. A line whose own
// characters do not count the format's width (glare hid some) takes its
// character positions from a sibling that does, moved onto its own centre line.
func (c candidate) geoms(flip bool) []geom {
	n := widths[c.format]
	var ref *chain
	for _, l := range c.lines {
		if l.cells == n {
			ref = l
		}
	}
	out := make([]geom, len(c.lines))
	for i, l := range c.lines {
		g := geomOf(l, c.angle, n)
		if l.cells != n && ref != nil {
			g = geomOf(ref, c.angle, n)
			um := (l.u0 + l.u1) / 2
			dv := l.v(um) - ref.v(um)
			g.ox -= dv * math.Sin(c.angle)
			g.oy += dv * math.Cos(c.angle)
		}
		if flip {
			out[len(out)-1-i] = g.flipped()
		} else {
			out[i] = g
		}
	}
	return out
}

// candidates finds the zone candidates, likeliest first.
func (r *reader) candidates() []candidate {
	p := r.levels[r.det]
	if p.w < 32 || p.h < 16 {
		return nil
	}
	long := float64(max(p.w, p.h))
	d := dark(p, max(7, int(long/70)))
	r.angle = skew(d, p.w, p.h)
	maxH := long / 25
	bl := blobs(d, p.w, p.h, r.angle, 4, maxH)
	var out []candidate
	for _, g := range groups(chains(bl, maxH)) {
		c := candidate{lines: g.lines, angle: r.angle}
		var chars float64
		for _, l := range g.lines {
			chars = math.Max(chars, l.chars())
		}
		if len(g.lines) == 3 {
			c.format = mrz.TD1
			out = append(out, c)
			continue
		}
		// Two lines: TD2 or TD3 by the count of characters; both when unclear.
		fs := []mrz.Format{mrz.TD2, mrz.TD3}
		if math.Abs(chars-44) < math.Abs(chars-36) {
			fs[0], fs[1] = fs[1], fs[0]
		}
		c.format = fs[0]
		out = append(out, c)
		if chars > 33 && chars < 47 {
			c.format = fs[1]
			out = append(out, c)
		}
	}
	if len(out) > maxCands {
		out = out[:maxCands]
	}
	return out
}

// orientations are the readings of a candidate to try: upright and turned 180°,
// the one whose characters align better first. The second is classified only when
// asked for (its cells are nil until then).
func (r *reader) orientations(c candidate) [2]reading {
	a, b := r.align(c, false), r.align(c, true)
	if b.mean > a.mean {
		a, b = b, a
	}
	a.classify()
	return [2]reading{a, b}
}

// reading is a candidate read one way.
type reading struct {
	c      candidate
	flip   bool
	format mrz.Format
	lines  []aligned
	cells  [][]guess
	mean   float32 // mean correlation: of the probes until classified
}

// align resamples and aligns the candidate's lines read one way.
func (r *reader) align(c candidate, flip bool) reading {
	rd := reading{c: c, flip: flip, format: c.format}
	lay := layouts[c.format]
	var sum float32
	for i, g := range c.geoms(flip) {
		lv, scale := r.level(g.pitch())
		a := align(sample(lv, scale, g), lay.sets[i])
		rd.lines = append(rd.lines, a)
		sum += a.score
	}
	rd.mean = sum / float32(len(rd.lines))
	return rd
}

// classify reads every character of the reading.
func (rd *reading) classify() {
	if rd.cells != nil {
		return
	}
	var sum float32
	for _, a := range rd.lines {
		cells, mean := a.classify()
		rd.cells = append(rd.cells, cells)
		sum += mean
	}
	rd.mean = sum / float32(len(rd.lines))
}

// level picks the coarsest level where the pitch (given in detection pixels) is
// still at least pitchPx pixels, and the scale from detection pixels to it.
func (r *reader) level(pitch float64) (*plane, float64) {
	k := r.det
	for k > 0 && pitch*float64(int(1)<<(r.det-k)) < pitchPx {
		k--
	}
	return r.levels[k], float64(int(1) << (r.det - k))
}

func (rd reading) text() []string {
	out := make([]string, len(rd.cells))
	for i, cs := range rd.cells {
		b := make([]byte, len(cs))
		for j, g := range cs {
			b[j] = g.c1
		}
		out[i] = string(b)
	}
	return out
}

// result is the reading with the zone's corners in the photo.
func (rd reading) result(r *reader, lines []string) Result {
	res := Result{Lines: lines, Format: rd.format}
	n := float64(widths[rd.format])
	gs := rd.c.geoms(rd.flip)
	top, bot := gs[0], gs[len(gs)-1]
	corners := [4][2]float64{}
	corners[0][0], corners[0][1] = top.pos(-0.5, -0.75)
	corners[1][0], corners[1][1] = top.pos(n-0.5, -0.75)
	corners[2][0], corners[2][1] = bot.pos(n-0.5, 0.75)
	corners[3][0], corners[3][1] = bot.pos(-0.5, 0.75)
	sc := float64(int(1) << r.det)
	for i, c := range corners {
		// Detection pixels to levels[0] to the photo, pixel centres at integers.
		x := ((c[0]+0.5)*sc)*float64(r.f0) - 0.5
		y := ((c[1]+0.5)*sc)*float64(r.f0) - 0.5
		res.Box[i] = image.Pt(r.min.X+int(math.Round(x)), r.min.Y+int(math.Round(y)))
	}
	return res
}
