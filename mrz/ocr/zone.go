package ocr

import (
	"math"
	"sort"
)

// group is a candidate zone: its lines top to bottom.
type group struct {
	lines []*chain
	score float64 // lower is better
}

// groups finds the candidate zones: 2 or 3 lines of up to 50 characters, the
// longest of 26 or more, of equal pitch, evenly spaced by 1.3 to 3 heights, and
// of equal length; or, where glare or a fold hid part of a line, aligned on the
// left or the right and at least 40% as long.
func groups(cs []*chain) []group {
	var long []*chain
	for _, c := range cs {
		if n := c.chars(); n >= 12 && n <= 52 {
			long = append(long, c)
		}
	}
	sort.Slice(long, func(i, j int) bool { return long[i].v(long[i].u0) < long[j].v(long[j].u0) })
	// compat scores how well b follows a as the next line of a zone, or is negative.
	compat := func(a, b *chain) (spacing, bad float64) {
		mid := (a.u0 + a.u1) / 2
		s := b.v(mid) - a.v(mid)
		h := (a.h + b.h) / 2
		p := (a.pitch + b.pitch) / 2
		la, lb := a.u1-a.u0, b.u1-b.u0
		if s < 1.25*h || s > 3.2*h || math.Max(a.h, b.h) > 1.35*math.Min(a.h, b.h) {
			return 0, -1
		}
		dl, dr := math.Abs(a.u0-b.u0), math.Abs(a.u1-b.u1)
		switch {
		case math.Abs(la-lb) <= 0.08*math.Max(la, lb)+p && dl <= 2.5*p:
			return s, math.Abs(la-lb)/p + dl/p + math.Abs(a.h-b.h)/h
		case math.Min(la, lb) >= 0.4*math.Max(la, lb) && math.Min(dl, dr) <= 1.5*p:
			return s, 4 + math.Min(dl, dr)/p + math.Abs(a.h-b.h)/h
		}
		return 0, -1
	}
	full := func(ls ...*chain) bool {
		for _, l := range ls {
			if l.chars() >= 26 {
				return true
			}
		}
		return false
	}
	var out []group
	for i, a := range long {
		for j := i + 1; j < len(long); j++ {
			b := long[j]
			s1, bad1 := compat(a, b)
			if bad1 < 0 {
				continue
			}
			if full(a, b) {
				out = append(out, group{lines: []*chain{a, b}, score: bad1})
			}
			for k := j + 1; k < len(long); k++ {
				c := long[k]
				s2, bad2 := compat(b, c)
				if bad2 < 0 || s2 > 1.25*s1 || s1 > 1.25*s2 || !full(a, b, c) {
					continue
				}
				// A third line found makes a TD1 likelier than any pair.
				out = append(out, group{lines: []*chain{a, b, c}, score: (bad1+bad2)/2 - 1})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score < out[j].score })
	return out
}
