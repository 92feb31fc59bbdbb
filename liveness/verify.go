package liveness

import (
	"fmt"
	"sort"
)

// Observed is one captured frame: when (milliseconds since the challenge was shown),
// at which step (0 looking straight ahead, k the k-th move) and the pose measured in it.
type Observed struct {
	AtMS int
	Step int
	Pose Pose
}

// Result is the verdict on a sequence.
type Result struct {
	Passed bool
	Seen   int    // moves seen, in order
	Why    string // for operators: what was missing (empty when passed)
}

// MinStepMS is the shortest time a person takes to make one move after being asked.
const MinStepMS = 250

// Verify decides whether frames show the straight-ahead pose, then each move of c in
// order. Frames must come in capture order with increasing timestamps and steps that
// never go back; every step needs a frame; the straight-ahead frames must frame the
// face (Frame == FrameOK); every frame with a face must hold it inside the frame; and
// each move must be seen, against the straight-ahead pose, in a frame of its own step.
func Verify(c Challenge, frames []Observed) Result {
	fail := func(seen int, f string, a ...any) Result { return Result{Seen: seen, Why: fmt.Sprintf(f, a...)} }
	if len(frames) == 0 {
		return fail(0, "no frames")
	}
	for i, f := range frames {
		if f.Step < 0 || f.Step > len(c) {
			return fail(0, "frame %d: step %d out of range", i, f.Step)
		}
		if i > 0 && (f.AtMS <= frames[i-1].AtMS || f.Step < frames[i-1].Step) {
			return fail(0, "frame %d: out of order", i)
		}
		if f.Pose.Found && !f.Pose.Inside {
			return fail(0, "frame %d: the face left the frame", i)
		}
	}
	var base []Pose
	first := map[int]int{} // step → AtMS of its first frame
	for _, f := range frames {
		if _, ok := first[f.Step]; !ok {
			first[f.Step] = f.AtMS
		}
		if f.Step == 0 && Frame(f.Pose) == FrameOK {
			base = append(base, f.Pose)
		}
	}
	if len(base) == 0 {
		return fail(0, "no straight-ahead frame with the face framed")
	}
	ref := Reference(base)
	for k, m := range c {
		start, ok := first[k+1]
		if !ok {
			return fail(k, "no frame for step %d (%s)", k+1, m)
		}
		if start-first[k] < MinStepMS {
			return fail(k, "step %d (%s) came %d ms after the one before", k+1, m, start-first[k])
		}
		seen := false
		for _, f := range frames {
			if f.Step == k+1 && Seen(m, ref, f.Pose) {
				seen = true
				break
			}
		}
		if !seen {
			return fail(k, "step %d: %s not seen", k+1, m)
		}
	}
	return Result{Passed: true, Seen: len(c)}
}

// Reference is the straight-ahead pose moves are measured from: the median yaw and
// size of the straight-ahead frames (ps must not be empty).
func Reference(ps []Pose) Pose {
	yaw := make([]float64, len(ps))
	size := make([]float64, len(ps))
	for i, p := range ps {
		yaw[i], size[i] = p.Yaw, p.Size
	}
	sort.Float64s(yaw)
	sort.Float64s(size)
	out := ps[0]
	out.Yaw, out.Size = yaw[len(yaw)/2], size[len(size)/2]
	return out
}
