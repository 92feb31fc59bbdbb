package pdf417

import "testing"

// The generated table must be the PDF417 one: every pattern four bars and four spaces
// of 1 to 6 modules over 17, its cluster (b1−b2+b3−b4+9) mod 9 that of its row in the
// table, and no pattern twice.
func TestTable(t *testing.T) {
	seen := map[uint32]bool{}
	for c := range patterns {
		for v, p := range patterns[c] {
			if p>>16 != 1 || p&1 != 0 {
				t.Fatalf("cluster %d value %d: %017b does not start with a bar and end with a space", c, v, p)
			}
			var widths []int
			run, prev := 0, uint32(1)
			for i := 16; i >= 0; i-- {
				bit := p >> i & 1
				if bit != prev {
					widths = append(widths, run)
					run = 0
				}
				run++
				prev = bit
			}
			widths = append(widths, run)
			if len(widths) != 8 {
				t.Fatalf("cluster %d value %d: %d elements", c, v, len(widths))
			}
			for _, w := range widths {
				if w < 1 || w > 6 {
					t.Fatalf("cluster %d value %d: element of %d modules", c, v, w)
				}
			}
			if k := (widths[0] - widths[2] + widths[4] - widths[6] + 9) % 9; k != 3*c {
				t.Errorf("cluster %d value %d: pattern of cluster %d", c, v, k)
			}
			if seen[p] {
				t.Errorf("cluster %d value %d: pattern repeated", c, v)
			}
			seen[p] = true
		}
	}
}

func TestDecodeWord(t *testing.T) {
	// Value 0 of cluster 0 is 3 1 1 1 1 1 3 6 (bar first). Measured with bars a
	// third of a module too wide, as ink spread makes them, it still reads.
	w := []float32{3.33, 0.67, 1.33, 0.67, 1.33, 0.67, 3.33, 5.67}
	for i := range w {
		w[i] *= 4 // pixels
	}
	wd, ok := decodeWord(w)
	if !ok || wd.value != 0 || wd.cluster != 0 {
		t.Errorf("decodeWord = %+v, %v", wd, ok)
	}
	if _, ok := decodeWord([]float32{8, 1, 1, 1, 1, 1, 1, 3}); ok {
		t.Error("the start pattern read as a codeword")
	}
}
