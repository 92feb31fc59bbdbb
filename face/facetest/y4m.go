package facetest

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"

	"github.com/rampart-id/rampart/internal/y4m"
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
	imgs := make([]image.Image, len(frames))
	for i, f := range frames {
		imgs[i] = f
	}
	return y4m.Write(path, imgs, fps)
}
