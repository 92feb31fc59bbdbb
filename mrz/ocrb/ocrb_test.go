package ocrb

import "testing"

// TestGlyphsHaveInk: every character has ink inside its cell, on the shared
// baseline, and nothing else does (8 and < once came out blank from a rasterizer
// that lacked a CFF operator).
func TestGlyphsHaveInk(t *testing.T) {
	for i := 0; i < len(Chars); i++ {
		c := Chars[i]
		g := Glyph(c)
		if g == nil || g.Bounds().Dx() != CellW || g.Bounds().Dy() != CellH {
			t.Fatalf("%c: glyph %v", c, g)
		}
		dark := 0
		for _, p := range g.Pix {
			if p < 128 {
				dark++
			}
		}
		if dark < CellW*CellH/50 {
			t.Errorf("%c: %d dark pixels, a blank glyph", c, dark)
		}
		if g.Pix[0] != 255 || g.Pix[len(g.Pix)-1] != 255 {
			t.Errorf("%c: cell corners are not white background", c)
		}
		ink := Ink(c)
		if ink.Empty() || !ink.In(g.Bounds()) {
			t.Errorf("%c: ink %v", c, ink)
		}
		if c != '<' && (ink.Max.Y < Baseline-1 || ink.Max.Y > Baseline+3) {
			t.Errorf("%c: ink ends at row %d, baseline %d", c, ink.Max.Y, Baseline)
		}
	}
	if Glyph('a') == nil || Glyph('#') != nil || !Ink(' ').Empty() {
		t.Error("lower case must map to upper case, other characters to nil")
	}
}

// TestGlyphsDiffer: no two glyphs are the same picture.
func TestGlyphsDiffer(t *testing.T) {
	for i := 0; i < len(Chars); i++ {
		for j := i + 1; j < len(Chars); j++ {
			a, b := Glyph(Chars[i]), Glyph(Chars[j])
			diff := 0
			for k := range a.Pix {
				if (a.Pix[k] < 128) != (b.Pix[k] < 128) {
					diff++
				}
			}
			if diff < 50 {
				t.Errorf("%c and %c differ in only %d pixels", Chars[i], Chars[j], diff)
			}
		}
	}
}
