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
		if _, ok := correct(cw, k, erasures, 0); !ok {
			t.Fatalf("k=%d errors=%d erasures=%d: not corrected", k, errs, eras)
		}
		for i := range cw {
			if cw[i] != want[i] {
				t.Fatalf("k=%d errors=%d erasures=%d: wrong correction", k, errs, eras)
			}
		}
	}
}

// Beyond the capacity the decoder must refuse rather than return another codeword,
// given its slack.
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
		for _, p := range rng.Perm(len(cw))[:k/2+2] {
			cw[p] = (cw[p] + 1 + rng.IntN(928)) % 929
		}
		if _, ok := correct(cw, k, nil, 2); ok {
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
