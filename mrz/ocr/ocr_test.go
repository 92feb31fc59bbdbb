package ocr

import (
	"fmt"
	"image/png"
	"os"
	"testing"

	"github.com/rampart-id/rampart/mrz"
)

func TestDebugSynth(t *testing.T) {
	if os.Getenv("MRZ_DEBUG") == "" {
		t.Skip()
	}
	for _, f := range []mrz.Format{mrz.TD3, mrz.TD1, mrz.TD2} {
		for li, lv := range levels {
			img, lines := synth(uint64(li*7+1), f, lv, 1600, 1000)
			fh, _ := os.Create("/tmp/synth_" + string(f) + "_" + string(rune('0'+li)) + ".png")
			png.Encode(fh, img)
			fh.Close()
			res, err := Read(img)
			doc, _, perr := ReadDocument(img, now)
			t.Logf("%s L%d want %q\n got %q %v box %v\n parse %v %v", f, li, lines, res.Lines, err, res.Box, perr, doc.Number)
		}
	}
}

func TestDebugOne(t *testing.T) {
	if os.Getenv("MRZ_ONE") == "" {
		t.Skip()
	}
	var f mrz.Format
	var li int
	fmt.Sscanf(os.Getenv("MRZ_ONE"), "%s %d", &f, &li)
	img, lines := synth(uint64(li*7+1), f, levels[li], 1600, 1000)
	r := newReader(img)
	t.Logf("want %q angle %.2f", lines, r.angle)
	for _, c := range r.candidates() {
		for _, l := range c.lines {
			t.Logf("  chain cells %d chars %.1f pitch %.1f h %.1f fit %.1f %.2f %.4f", l.cells, l.chars(), l.pitch, l.h, l.fa-l.u0, l.fb, l.fc)
		}
		for _, rd := range r.orientations(c) {
			doc, err := rd.parse(now)
			t.Logf(" %s flip %v mean %.3f %q %v %v", c.format, rd.flip, rd.mean, rd.text(), err, doc.Number)
			for i, cs := range rd.cells {
				for j, g := range cs {
					if g.s1-g.s2 < 0.06 || g.s1 < 0.55 {
						t.Logf("    %d,%d %c %.2f %c %.2f", i, j, g.c1, g.s1, g.c2, g.s2)
					}
				}
			}
		}
	}
}
