package pdf417

import "math"

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

// hysteresis, in half local ranges: a sample must pass it to change colour.
const hysteresis = 0.2

type scanner struct {
	p     *plane
	edges []float32 // crossing positions along the current line, in samples
	obs   []obs
	line  []obs // the current reading, before its rows are anchored
	lines int   // readings anchored by their row indicator
}

// scan reads the line from (x0, y0) in direction (dx, dy), unit length, clipped to the
// plane.
func (s *scanner) scan(x0, y0, dx, dy float64) {
	tmin, tmax := math.Inf(-1), math.Inf(1)
	clip := func(o, d, hi float64) {
		if math.Abs(d) < 1e-9 {
			if o < 0 || o > hi {
				tmin, tmax = 1, 0
			}
			return
		}
		a, b := (0-o)/d, (hi-o)/d
		if a > b {
			a, b = b, a
		}
		tmin, tmax = math.Max(tmin, a), math.Min(tmax, b)
	}
	clip(x0, dx, float64(s.p.w)-1.001)
	clip(y0, dy, float64(s.p.h)-1.001)
	if tmax-tmin < 40 {
		return
	}
	s.edges = s.edges[:0]
	firstBar := false
	state := 0 // -1 dark, 1 light, 0 not yet known
	var prev, lastZero float32
	n := int(tmax - tmin)
	x, y := float32(x0+tmin*dx), float32(y0+tmin*dy)
	fdx, fdy := float32(dx), float32(dy)
	for t := 0; t < n; t++ {
		v := s.p.at(x, y)
		x += fdx
		y += fdy
		if t > 0 && (prev < 0) != (v < 0) {
			lastZero = float32(t-1) + prev/(prev-v)
		}
		prev = v
		switch {
		case v < -hysteresis && state != -1:
			if state == 1 {
				if len(s.edges) == 0 {
					firstBar = true
				}
				s.edges = append(s.edges, lastZero)
			}
			state = -1
		case v > hysteresis && state != 1:
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
			s.read(i+8, (e[i+8]-e[i])/17, 1)
		}
		if matches(w[:9], stopWidths, 18) {
			s.read(i, (e[i+9]-e[i])/18, -1)
		}
	}
}

// read reads codewords from the bar-start edge a, rightwards (dir 1, after a start
// pattern) or leftwards (dir -1, before a stop pattern), m being the module width.
func (s *scanner) read(a int, m float32, dir int) {
	e := s.edges
	s.line = s.line[:0]
	rel := 0
	var w [8]float32
	for slot, fails := 0, 0; fails < 3 && slot < 34; slot++ {
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
			a = b
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
	// Anchor: the row indicator says row/3 in its value/30 and row%3 in its cluster.
	if len(s.line) < 2 || s.line[0].slot != 0 {
		return
	}
	ri := s.line[0]
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
}
