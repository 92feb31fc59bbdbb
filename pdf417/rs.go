package pdf417

import "math"

// Reed–Solomon over GF(929), the prime field PDF417 uses: generator 3, check
// polynomial roots 3^1 … 3^k. Decoding takes erasures (cells no scanline could read)
// as well as errors: an erasure costs one check codeword, an error two.

const (
	gfSize = 929
	gfGen  = 3
)

var gfExp, gfLog [gfSize]int

func init() {
	x := 1
	for i := 0; i < gfSize-1; i++ {
		gfExp[i] = x
		gfLog[x] = i
		x = x * gfGen % gfSize
	}
	gfExp[gfSize-1] = 1
}

func gfMul(a, b int) int { return a * b % gfSize }
func gfAdd(a, b int) int { return (a + b) % gfSize }
func gfSub(a, b int) int { return (a - b + gfSize) % gfSize }
func gfInv(a int) int    { return gfExp[(gfSize-1-gfLog[a])%(gfSize-1)] }
func gfPow3(e int) int {
	e %= gfSize - 1
	if e < 0 {
		e += gfSize - 1
	}
	return gfExp[e]
}

// polyEval evaluates p (coefficients lowest degree first) at x.
func polyEval(p []int, x int) int {
	v := 0
	for i := len(p) - 1; i >= 0; i-- {
		v = (v*x + p[i]) % gfSize
	}
	return v
}

// syndromes of the codewords, the first codeword being the highest power.
func syndromes(cw []int, k int) ([]int, bool) {
	s := make([]int, k)
	zero := true
	for i := 1; i <= k; i++ {
		x, v := gfExp[i], 0
		for _, c := range cw {
			v = (v*x + c) % gfSize
		}
		s[i-1] = v
		zero = zero && v == 0
	}
	return s, zero
}

// correct fixes cw in place given k check codewords and the indices of erased
// codewords, and reports how many errors (besides the erasures) it corrected. Whether
// a correction that large can be trusted is for the caller to judge (see trusted).
func correct(cw []int, k int, erasures []int) (int, bool) {
	n := len(cw)
	for _, e := range erasures {
		cw[e] = 0
	}
	s, zero := syndromes(cw, k)
	if zero && len(erasures) == 0 {
		return 0, true
	}
	f := len(erasures)
	if f > k {
		return 0, false
	}
	// Erasure locator: product of (1 - X x), X = 3^(degree of the position).
	lambda := []int{1}
	for _, e := range erasures {
		x := gfPow3(n - 1 - e)
		next := make([]int, len(lambda)+1)
		for i, c := range lambda {
			next[i] = gfAdd(next[i], c)
			next[i+1] = gfSub(next[i+1], gfMul(c, x))
		}
		lambda = next
	}
	b := append([]int(nil), lambda...)
	l := f
	for r := f + 1; r <= k; r++ {
		delta := 0
		for j := 0; j < len(lambda) && j < r; j++ {
			delta = gfAdd(delta, gfMul(lambda[j], s[r-j-1]))
		}
		xb := append([]int{0}, b...)
		if delta == 0 {
			b = xb
			continue
		}
		t := make([]int, max(len(lambda), len(xb)))
		copy(t, lambda)
		for i, c := range xb {
			t[i] = gfSub(t[i], gfMul(delta, c))
		}
		if 2*l <= r+f-1 {
			l = r + f - l
			inv := gfInv(delta)
			b = make([]int, len(lambda))
			for i, c := range lambda {
				b[i] = gfMul(c, inv)
			}
		} else {
			b = xb
		}
		lambda = t
	}
	for len(lambda) > 1 && lambda[len(lambda)-1] == 0 {
		lambda = lambda[:len(lambda)-1]
	}
	deg := len(lambda) - 1
	errs := deg - f
	if deg != l || errs < 0 || 2*errs+f > k {
		return 0, false
	}
	// Evaluator Ω = S·Λ mod x^k, and Λ's formal derivative.
	omega := make([]int, k)
	for i := 0; i < k; i++ {
		for j := 0; j <= i && j < len(lambda); j++ {
			omega[i] = gfAdd(omega[i], gfMul(s[i-j], lambda[j]))
		}
	}
	deriv := make([]int, max(deg, 1))
	for i := 1; i <= deg; i++ {
		deriv[i-1] = gfMul(i%gfSize, lambda[i])
	}
	found := 0
	for pos := 0; pos < n; pos++ {
		xinv := gfPow3(-(n - 1 - pos))
		if polyEval(lambda, xinv) != 0 {
			continue
		}
		found++
		d := polyEval(deriv, xinv)
		if d == 0 {
			return 0, false
		}
		e := gfMul(polyEval(omega, xinv), gfInv(d))
		cw[pos] = gfAdd(cw[pos], e) // received = codeword + error, and e here is −error
	}
	if found != deg {
		return 0, false
	}
	if _, zero := syndromes(cw, k); !zero {
		return 0, false
	}
	return errs, true
}

// maxRisk is the largest accepted chance that a correction lands on a wrong message.
const maxRisk = 1e-8

// trusted reports whether correcting e errors and f erasures among n codewords with
// k check codewords is safe: the chance that a word damaged beyond repair falls within
// that distance of some other valid codeword, about C(n−f, e)·928^e / 929^(k−f), must
// stay below maxRisk. It caps the correction of small symbols, whose few check
// codewords would otherwise turn a misread into a plausible wrong message.
func trusted(n, k, f, e int) bool {
	if 2*e+f > k {
		return false
	}
	if e == 0 && f == 0 {
		return true // every check holds as read: nothing was guessed
	}
	lc, _ := math.Lgamma(float64(n - f + 1))
	l1, _ := math.Lgamma(float64(e + 1))
	l2, _ := math.Lgamma(float64(n - f - e + 1))
	logRisk := lc - l1 - l2 + float64(e)*math.Log(gfSize-1) - float64(k-f)*math.Log(gfSize)
	return logRisk <= math.Log(maxRisk)
}
