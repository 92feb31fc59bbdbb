package pdf417

import (
	"image"
	"math"
)

// A scanline is sampled across the plane, cut into bars and spaces, searched for the
// start and stop patterns, and read codeword by codeword away from each pattern it
// holds. The line need not follow a row: each codeword's cluster says whether it
// drifted into the row above or below, and the row indicator next to the pattern
// anchors the row numbers.

// obs is one codeword read on one scanline.
type obs struct {
	row   int
	slot  int  // codewords from the pattern the reading started at; 0 is the row indicator
	right bool // counted leftwards from the stop pattern
	w     word
}

// maxLoose bounds the readings kept without an anchor.
const maxLoose = 20000

// hysteresis, in half local ranges: a sample must pass it to change colour.
const hysteresis = 0.1

type scanner struct {
	p        *plane
	edges    []float32 // crossing positions along the current line, in samples
	obs      []obs
	line     []obs   // the current reading, before its rows are anchored
	lines    int     // readings anchored by their row indicator
	loose    [][]obs // readings whose row indicator was not read; rows relative
	flipped  int     // stop patterns seen mirrored
	patterns int     // start and stop patterns seen

	// The current line: y = y0 + slope·(x − x0), sampled at every x.
	x0, y0, slope float64
	// Bounding box of the anchored readings, to confine later passes.
	box image.Rectangle
}

// scan samples the line y = y0 + slope·x at every integer x of r where the line is
// within r, taking the nearest pixel row. Sampling at whole columns keeps the
// positions along the line exact, which is what the widths need; widths come out
// stretched by the line's secant, the same for every element, so ratios are unchanged.
func (s *scanner) scan(y0, slope float64, r image.Rectangle) {
	xa, xb := float64(r.Min.X), float64(r.Max.X-1)
	if slope != 0 {
		// Clip to the rows of r.
		t1 := (float64(r.Min.Y) - y0) / slope
		t2 := (float64(r.Max.Y-1) - y0) / slope
		if t1 > t2 {
			t1, t2 = t2, t1
		}
		xa, xb = math.Max(xa, math.Ceil(t1)), math.Min(xb, math.Floor(t2))
	} else if y0 < float64(r.Min.Y) || y0 > float64(r.Max.Y-1) {
		return
	}
	if xb-xa < 40 {
		return
	}
	s.x0, s.y0, s.slope = xa, y0+slope*xa, slope
	s.edges = s.edges[:0]
	firstBar := false
	state := 0 // -1 dark, 1 light, 0 not yet known
	var prev, lastZero float32
	w, v := s.p.w, s.p.v
	// The row in 32.32 fixed point: cheaper than a float conversion per sample.
	y := int64((s.y0 + 0.5) * (1 << 32))
	dy := int64(slope * (1 << 32))
	for t, x := 0, int(xa); x <= int(xb); t, x = t+1, x+1 {
		val := v[int(y>>32)*w+x]
		y += dy
		if t > 0 && (prev < 0) != (val < 0) {
			lastZero = float32(t-1) + prev/(prev-val)
		}
		prev = val
		switch {
		case val < -hysteresis && state != -1:
			if state == 1 {
				if len(s.edges) == 0 {
					firstBar = true
				}
				s.edges = append(s.edges, lastZero)
			}
			state = -1
		case val > hysteresis && state != 1:
			if state == -1 {
				s.edges = append(s.edges, lastZero)
			}
			state = 1
		}
	}
	s.readEdges(firstBar)
}

// readEdges finds start and stop patterns among the edges and reads away from them.
func (s *scanner) readEdges(firstBar bool) {
	e := s.edges
	first := 0 // index of the first edge that starts a bar
	if !firstBar {
		first = 1
	}
	var w [9]float32
	for i := first; i+9 < len(e); i += 2 {
		for k := 0; k < 9; k++ {
			w[k] = e[i+k+1] - e[i+k]
		}
		if matches(w[:8], startWidths, 17) {
			s.patterns++
			s.read(i+8, (e[i+8]-e[i])/17, 1)
		}
		if matches(w[:9], stopWidths, 18) {
			s.patterns++
			s.read(i, (e[i+9]-e[i])/18, -1)
		}
		if matches(w[:9], flippedStop, 18) {
			s.flipped++
		}
	}
}

// opposite reports whether the stop pattern starts at edge a (reading rightwards) or
// the start pattern ends there (reading leftwards).
func (s *scanner) opposite(a, dir int, w []float32) bool {
	e := s.edges
	if dir > 0 {
		if a+9 >= len(e) {
			return false
		}
		for k := 0; k < 9; k++ {
			w[k] = e[a+k+1] - e[a+k]
		}
		return matches(w[:9], stopWidths, 18)
	}
	if a-8 < 0 {
		return false
	}
	for k := 0; k < 8; k++ {
		w[k] = e[a-8+k+1] - e[a-8+k]
	}
	return matches(w[:8], startWidths, 17)
}

// read reads codewords from the bar-start edge a, rightwards (dir 1, after a start
// pattern) or leftwards (dir -1, before a stop pattern), m being the module width.
func (s *scanner) read(a int, m float32, dir int) {
	e := s.edges
	// The pattern's outer edge and the far edge of the last codeword read.
	first, last := max(0, min(len(e)-1, a-8)), a
	if dir < 0 {
		first = min(len(e)-1, a+9)
	}
	s.line = s.line[:0]
	rel := 0
	var w [8]float32
	var ws [9]float32
	for slot, fails := 0, 0; fails < 3 && slot < 34; slot++ {
		// Reaching the opposite pattern ends the row; the codeword before it was the
		// other row indicator, which is recorded as such for the symbol's dimensions.
		if end := s.opposite(a, dir, ws[:]); end {
			if n := len(s.line); n > 0 && s.line[n-1].slot == slot-1 {
				ri := s.line[n-1]
				ri.slot, ri.right = 0, dir > 0
				s.line = append(s.line, ri)
			}
			break
		}
		b := a + 8*dir
		if b < 0 || b >= len(e) {
			break
		}
		lo, hi := min(a, b), max(a, b)
		total := e[hi] - e[lo]
		ok := total > 0.8*17*m && total < 1.25*17*m
		var wd word
		if ok {
			for k := 0; k < 8; k++ {
				w[k] = e[lo+k+1] - e[lo+k]
			}
			wd, ok = decodeWord(w[:])
		}
		if ok {
			fails = 0
			m = 0.7*m + 0.3*total/17
			c := int(wd.cluster)
			if len(s.line) == 0 {
				rel = c
			} else {
				// The row of this cluster nearest the previous codeword's row.
				for _, r := range []int{rel, rel - 1, rel + 1} {
					if ((r%3)+3)%3 == c {
						rel = r
						break
					}
				}
			}
			s.line = append(s.line, obs{row: rel, slot: slot, right: dir < 0, w: wd})
			a, last = b, b
			continue
		}
		fails++
		// Lost the codeword boundary (noise split or merged an element): resume at the
		// bar start nearest to where the next codeword should begin.
		target := e[a] + float32(dir)*17*m
		best, bestD := -1, float32(0.25*17)*m
		for j := a + 2*dir; j >= 0 && j < len(e); j += 2 * dir {
			d := e[j] - target
			if d < 0 {
				d = -d
			}
			if d < bestD {
				best, bestD = j, d
			}
			if float32(dir)*(e[j]-target) > 0.3*17*m {
				break
			}
		}
		if best < 0 {
			break
		}
		a = best
	}
	// Anchor: a row indicator (the first codeword, or the one recorded at the opposite
	// pattern) says row/3 in its value/30 and row%3 in its cluster. Without one the
	// reading is kept aside, to be placed later by what it agrees with.
	anchor := -1
	for i, o := range s.line {
		if o.slot == 0 {
			anchor = i
			break
		}
	}
	if anchor < 0 || len(s.line) < 2 {
		if len(s.line) >= 3 && len(s.loose) < maxLoose {
			s.loose = append(s.loose, append([]obs(nil), s.line...))
		}
		return
	}
	ri := s.line[anchor]
	row := 3*(int(ri.w.value)/30) + int(ri.w.cluster)
	if row >= 90 {
		return
	}
	off := row - ri.row
	for _, o := range s.line {
		o.row += off
		if o.row >= 0 && o.row < 90 {
			s.obs = append(s.obs, o)
		}
	}
	s.lines++
	// Extend the box by the reading's extent along the line.
	t0, t1 := float64(s.edges[min(last, first)]), float64(s.edges[max(last, first)])
	for _, t := range []float64{t0, t1} {
		pt := image.Pt(int(s.x0+t), int(s.y0+s.slope*t))
		s.box = s.box.Union(image.Rectangle{pt, pt.Add(image.Pt(1, 1))})
	}
}
