package pdf417

import "math"

// Every codeword is 17 modules wide: four bars and four spaces of 1 to 6 modules,
// starting with a bar. The cluster (0, 3 or 6; stored here as 0, 1, 2) tells the row
// modulo 3, which lets a scanline that drifts across rows keep track of where it is.

// word is a decoded codeword: its value and its cluster index (row modulo 3).
type word struct {
	value   int16
	cluster int8
	weight  int8 // vote weight: 2 when read as measured, 1 when a module was moved
}

// lookup maps a 17-module pattern (first module in bit 16) to its codeword.
var lookup = func() map[uint32]word {
	m := make(map[uint32]word, 3*929)
	for c := range patterns {
		for v, p := range patterns[c] {
			m[p] = word{value: int16(v), cluster: int8(c)}
		}
	}
	return m
}()

// The start pattern 81111113 and stop pattern 711311121 in modules.
var (
	startWidths = []float64{8, 1, 1, 1, 1, 1, 1, 3}
	stopWidths  = []float64{7, 1, 1, 3, 1, 1, 1, 2, 1}
	flippedStop = []float64{1, 2, 1, 1, 1, 3, 1, 1, 7}
)

// matches reports whether the element widths w have the proportions of want: once the
// total is scaled to the pattern's, each element within about half a module of its
// width, a little more for the wide ones.
func matches(w []float32, want []float64, modules float64) bool {
	var total float64
	for _, x := range w {
		total += float64(x)
	}
	scale := modules / total
	for i, x := range w {
		d := math.Abs(float64(x)*scale - want[i])
		if d > 0.55+0.12*want[i] {
			return false
		}
	}
	return true
}

// decodeWord reads the codeword whose eight element widths are w (bar first), in
// pixels. Widths are rounded to modules keeping the total at 17. When that gives no
// codeword, moving one module between two elements is tried, taking the move that
// strays least from the measured widths: this repairs most single-edge errors of blur.
func decodeWord(w []float32) (word, bool) {
	var total float32
	for _, x := range w {
		total += x
	}
	scale := 17 / total
	var f [8]float32
	var mod [8]int
	sum := 0
	for i, x := range w {
		f[i] = x * scale
		mod[i] = max(1, min(6, int(f[i]+0.5)))
		sum += mod[i]
	}
	// Bring the total to 17 through the elements that rounded the furthest.
	for sum != 17 {
		bi := -1
		for i := range mod {
			d := f[i] - float32(mod[i])
			if sum > 17 && mod[i] > 1 && (bi < 0 || d < f[bi]-float32(mod[bi])) ||
				sum < 17 && mod[i] < 6 && (bi < 0 || d > f[bi]-float32(mod[bi])) {
				bi = i
			}
		}
		if bi < 0 {
			return word{}, false
		}
		if sum > 17 {
			mod[bi]--
			sum--
		} else {
			mod[bi]++
			sum++
		}
	}
	if wd, ok := lookup[bits(mod)]; ok {
		wd.weight = 2
		return wd, true
	}
	if wd, ok := byEdges(&f); ok {
		return wd, true
	}
	best, bestCost := word{}, float32(1.6)
	found := false
	for i := range mod {
		for j := range mod {
			if i == j || mod[i] >= 6 || mod[j] <= 1 {
				continue
			}
			alt := mod
			alt[i]++
			alt[j]--
			var cost float32
			for k := range alt {
				d := f[k] - float32(alt[k])
				cost += max(d, -d)
			}
			if cost < bestCost {
				if wd, ok := lookup[bits(alt)]; ok {
					best, bestCost, found = wd, cost, true
				}
			}
		}
	}
	best.weight = 1
	return best, found
}

// byEdges reads the codeword from the distances between like edges (leading edge of a
// bar to the next bar's, and so for spaces), which blur and ink spread leave alone
// where they make every bar wider or narrower. Those seven sums, rounded, fix the
// widths up to the first one; each first width is tried and the pattern closest to
// the measured widths that is a codeword wins.
func byEdges(f *[8]float32) (word, bool) {
	var sums [7]int
	for i := range sums {
		sums[i] = int(f[i] + f[i+1] + 0.5)
	}
	best, bestCost, found := word{}, float32(0), false
	for first := 1; first <= 6; first++ {
		var mod [8]int
		mod[0] = first
		sum, ok := first, true
		for i := 1; i < 8 && ok; i++ {
			if i < 7 {
				mod[i] = sums[i-1] - mod[i-1]
			} else {
				mod[i] = 17 - sum
			}
			ok = mod[i] >= 1 && mod[i] <= 6
			sum += mod[i]
		}
		if !ok {
			continue
		}
		var cost float32
		for k := range mod {
			d := f[k] - float32(mod[k])
			cost += max(d, -d)
		}
		if wd, hit := lookup[bits(mod)]; hit && (!found || cost < bestCost) {
			best, bestCost, found = wd, cost, true
		}
	}
	best.weight = 2
	return best, found
}

// bits turns module widths into the 17-bit pattern.
func bits(mod [8]int) uint32 {
	var p uint32
	for i, m := range mod {
		for ; m > 0; m-- {
			p <<= 1
			if i%2 == 0 {
				p |= 1
			}
		}
	}
	return p
}
