package facetest

import (
	"bufio"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"os"
)

// loopPhase is one stretch of the looping video: the head goes from pose from to
// pose to over secs seconds.
type loopPhase struct {
	secs     float64
	from, to pose
}

// loopScript is the looping camera video: straight, turn left and hold, straight,
// turn right and hold, straight, closer and hold, straight. Whatever order a
// challenge asks the moves in, each comes round within one loop.
func loopScript(frontal float64) []loopPhase {
	st := pose{deg: frontal, scale: 1}
	left := pose{deg: frontal + TurnDeg, scale: 1}
	right := pose{deg: frontal - TurnDeg, scale: 1}
	near := pose{deg: frontal, scale: CloserScale}
	return []loopPhase{
		{1.5, st, st},
		{0.6, st, left}, {1.0, left, left}, {0.6, left, st},
		{1.0, st, st},
		{0.6, st, right}, {1.0, right, right}, {0.6, right, st},
		{1.0, st, st},
		{0.6, st, near}, {1.0, near, near}, {0.6, near, st},
	}
}

// WriteLoopY4M writes a looping w×h YUV4MPEG2 (4:2:0) video at fps frames per
// second of the person of p, for Chromium's --use-file-for-fake-video-capture
// (which replays the file in a loop): straight ahead for 1.5 s, a gradual turn to
// the person's left held for 1 s and back, straight 1 s, the same to the right,
// straight 1 s, then closer (×CloserScale) held 1 s and back. A widget that
// advances when it sees each move completes any challenge within a loop or two.
// The file is raw video: keep w, h and fps small (320×240 at 10 fps is about 1.2
// MB a second).
func WriteLoopY4M(path string, p Portrait, w, h, fps int) error {
	if w <= 0 || h <= 0 || w%2 != 0 || h%2 != 0 || fps <= 0 {
		return fmt.Errorf("facetest: bad video size %dx%d at %d fps", w, h, fps)
	}
	src := portraitLayer(&p, false)
	m := newHeadModel(&p)
	bg := wall(seedOf(p.ID), w, h)
	turned := map[float64]*layer{}
	var frames []*image.RGBA
	for _, ph := range loopScript(p.FrontalDeg) {
		n := int(math.Round(ph.secs * float64(fps)))
		for i := range n {
			t := (float64(i) + 1) / float64(n)
			t = t * t * (3 - 2*t)
			ps := pose{deg: ph.from.deg + t*(ph.to.deg-ph.from.deg), scale: ph.from.scale + t*(ph.to.scale-ph.from.scale)}
			key := math.Round(ps.deg*10) / 10
			lay, ok := turned[key]
			if !ok {
				lay = person(&p, src, m, key)
				turned[key] = lay
			}
			rng := rand.New(rand.NewPCG(seedOf(p.ID), uint64(len(frames))))
			frames = append(frames, placeFrame(&p, lay, bg, ps.scale, rng, w, h))
		}
	}
	return writeY4M(path, frames, fps)
}

// writeY4M writes frames as a YUV4MPEG2 4:2:0 video (BT.601 full range, as
// Chromium's fake capture expects of C420jpeg).
func writeY4M(path string, frames []*image.RGBA, fps int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	b := frames[0].Rect
	w, h := b.Dx()&^1, b.Dy()&^1
	fmt.Fprintf(bw, "YUV4MPEG2 W%d H%d F%d:1 Ip A1:1 C420jpeg\n", w, h, fps)
	y := make([]byte, w*h)
	u := make([]byte, w*h/4)
	v := make([]byte, w*h/4)
	for _, img := range frames {
		for py := range h {
			for px := range w {
				i := img.PixOffset(px, py)
				r, g, bl := float64(img.Pix[i]), float64(img.Pix[i+1]), float64(img.Pix[i+2])
				y[py*w+px] = clamp8(0.299*r + 0.587*g + 0.114*bl)
			}
		}
		for py := 0; py < h; py += 2 {
			for px := 0; px < w; px += 2 {
				var r, g, bl float64
				for _, o := range [4][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
					i := img.PixOffset(px+o[0], py+o[1])
					r += float64(img.Pix[i]) / 4
					g += float64(img.Pix[i+1]) / 4
					bl += float64(img.Pix[i+2]) / 4
				}
				k := (py/2)*(w/2) + px/2
				u[k] = clamp8(128 - 0.168736*r - 0.331264*g + 0.5*bl)
				v[k] = clamp8(128 + 0.5*r - 0.418688*g - 0.081312*bl)
			}
		}
		bw.WriteString("FRAME\n")
		bw.Write(y)
		bw.Write(u)
		bw.Write(v)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}
