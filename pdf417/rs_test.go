package pdf417

import (
	"math/rand/v2"
	"testing"
)

// rsEncode appends k check codewords to data, as PDF417 encoders do.
func rsEncode(data []int, k int) []int {
	g := []int{1} // highest degree first
	for i := 1; i <= k; i++ {
		next := make([]int, len(g)+1)
		r := gfExp[i]
		for j, c := range g {
			next[j] = gfAdd(next[j], c)
			next[j+1] = gfSub(next[j+1], gfMul(c, r))
		}
		g = next
	}
	rem := make([]int, len(data)+k)
	copy(rem, data)
	for i := 0; i < len(data); i++ {
		c := rem[i]
		if c == 0 {
			continue
		}
		for j := 1; j < len(g); j++ {
			rem[i+j] = gfSub(rem[i+j], gfMul(c, g[j]))
		}
	}
	out := append([]int(nil), data...)
	for _, r := range rem[len(data):] {
		out = append(out, gfSub(0, r))
	}
	return out
}

func TestCorrect(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 500; trial++ {
		k := 2 << rng.IntN(6)
		data := make([]int, 5+rng.IntN(60))
		for i := range data {
			data[i] = rng.IntN(929)
		}
		cw := rsEncode(data, k)
		if _, zero := syndromes(cw, k); !zero {
			t.Fatal("encoder output has non-zero syndromes")
		}
		want := append([]int(nil), cw...)
		errs := rng.IntN(k/2 + 1)
		eras := rng.IntN(k - 2*errs + 1)
		perm := rng.Perm(len(cw))
		var erasures []int
		for _, p := range perm[:errs] {
			cw[p] = (cw[p] + 1 + rng.IntN(928)) % 929
		}
		for _, p := range perm[errs : errs+eras] {
			cw[p] = rng.IntN(929)
			erasures = append(erasures, p)
		}
		if _, ok := correct(cw, k, erasures); !ok {
			t.Fatalf("k=%d errors=%d erasures=%d: not corrected", k, errs, eras)
		}
		for i := range cw {
			if cw[i] != want[i] {
				t.Fatalf("k=%d errors=%d erasures=%d: wrong correction", k, errs, eras)
			}
		}
	}
}

// Beyond the capacity, a correction that is trusted must never be a wrong one.
func TestCorrectRefusesTooMany(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	wrong := 0
	for trial := 0; trial < 300; trial++ {
		k := 16
		data := make([]int, 40)
		for i := range data {
			data[i] = rng.IntN(929)
		}
		cw := rsEncode(data, k)
		want := append([]int(nil), cw...)
		for _, p := range rng.Perm(len(cw))[:k/2+1+rng.IntN(4)] {
			cw[p] = (cw[p] + 1 + rng.IntN(928)) % 929
		}
		if e, ok := correct(cw, k, nil); ok && trusted(len(cw), k, 0, e) {
			for i := range cw {
				if cw[i] != want[i] {
					wrong++
					break
				}
			}
		}
	}
	if wrong > 0 {
		t.Errorf("%d of 300 over-damaged words miscorrected", wrong)
	}
}

func TestTrusted(t *testing.T) {
	for _, tc := range []struct {
		n, k, f, e int
		want       bool
	}{
		{161, 16, 0, 0, true},
		{161, 16, 0, 7, true},
		{161, 16, 7, 3, true},
		{161, 16, 14, 1, false}, // two check codewords left cannot vouch for a correction
		{48, 4, 0, 1, false},    // level 1: an error cannot be told from a misread
		{48, 4, 1, 0, true},
		{30, 2, 0, 0, true},
		{30, 2, 1, 0, false},
	} {
		if got := trusted(tc.n, tc.k, tc.f, tc.e); got != tc.want {
			t.Errorf("trusted(n=%d k=%d f=%d e=%d) = %v", tc.n, tc.k, tc.f, tc.e, got)
		}
	}
}
