package reference

import (
	"image"
	"math"
	"testing"

	"github.com/rampart-id/rampart/face"
)

// compareGo runs the pure-Go pipeline on the same pixels the browser got and reports
// how far it is from face-api: faces matched by box IoU (unmatched counts faces either
// side found alone), landmark error as a share of the box width, descriptor distance.
func compareGo(t *testing.T, inputs map[string]image.Image, res map[string]Result) (worstIoU, worstLm, worstDesc float64, unmatched int) {
	t.Helper()
	worstIoU = 1
	for name, img := range inputs {
		got, err := face.DetectAll(Pixels(img), face.DetectOptions{InputSize: 416, ScoreThreshold: 0.5})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if extra := len(got) - len(res[name].Faces); extra > 0 {
			unmatched += extra
			t.Logf("%s: Go finds %d faces, face-api %d", name, len(got), len(res[name].Faces))
		}
		for i, want := range res[name].Faces {
			wb := face.Rect{X: want.Box[0], Y: want.Box[1], Width: want.Box[2], Height: want.Box[3]}
			best, bestIoU := -1, 0.0
			for j, g := range got {
				if v := rectIoU(g.Box, wb); v > bestIoU {
					best, bestIoU = j, v
				}
			}
			if best < 0 || bestIoU < 0.5 {
				unmatched++
				t.Logf("%s: face-api face %d (score %.3f) has no Go match", name, i, want.Score)
				continue
			}
			g := got[best]
			lm := 0.0
			for k, p := range want.Landmarks {
				lm = max(lm, math.Hypot(g.Landmarks[k].X-p[0], g.Landmarks[k].Y-p[1])/want.Box[2])
			}
			var d face.Descriptor = want.Descriptor
			dd := g.Descriptor.Distance(&d)
			t.Logf("%s face %d: score %.3f/%.3f IoU %.3f landmarks %.2f%% descriptor %.4f", name, i, want.Score, g.Score, bestIoU, 100*lm, dd)
			worstIoU, worstLm, worstDesc = min(worstIoU, bestIoU), max(worstLm, lm), max(worstDesc, dd)
		}
	}
	return
}

func rectIoU(a, b face.Rect) float64 {
	x0, y0 := max(a.X, b.X), max(a.Y, b.Y)
	x1, y1 := min(a.X+a.Width, b.X+b.Width), min(a.Y+a.Height, b.Y+b.Height)
	if x1 <= x0 || y1 <= y0 {
		return 0
	}
	in := (x1 - x0) * (y1 - y0)
	return in / (a.Width*a.Height + b.Width*b.Height - in)
}
