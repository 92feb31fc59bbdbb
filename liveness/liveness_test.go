package liveness

import (
	"crypto/rand"
	"math/big"
	"testing"
)

func cryptoIntn(n int) (int, error) {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		return 0, err
	}
	return int(v.Int64()), nil
}

func TestChallengesAllowed(t *testing.T) {
	// 2 moves: 6 ordered pairs, each with a turn (closer is the only other move);
	// 3 moves: 6 orders. Every one parses back and holds a turn.
	if len(challenges) != 12 {
		t.Fatalf("%d challenges", len(challenges))
	}
	seen := map[string]bool{}
	for i := 0; i < 400; i++ {
		c, err := New(cryptoIntn)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(c.String())
		if err != nil || back.String() != c.String() || !c.hasTurn() {
			t.Fatalf("%v → %v %v", c, back, err)
		}
		seen[c.String()] = true
	}
	if len(seen) < 10 {
		t.Fatalf("only %d distinct challenges in 400 draws", len(seen))
	}
	for _, bad := range []string{"", "closer", "closer,closer", "turn_left,turn_left", "nod,turn_left", "turn_left,turn_right,closer,turn_left"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func pose(yaw, size float64) Pose {
	return Pose{Found: true, Yaw: yaw, Size: size, Width: size * 1.6, Inside: true}
}

func TestVerify(t *testing.T) {
	c := Challenge{TurnLeft, Closer, TurnRight}
	straight := pose(0.02, 0.2)
	good := []Observed{
		{0, 0, straight}, {200, 0, pose(0.01, 0.2)},
		{900, 1, pose(0.1, 0.2)}, {1300, 1, pose(0.25, 0.19)},
		{2000, 2, pose(0.03, 0.27)},
		{2900, 3, pose(-0.2, 0.2)},
	}
	if r := Verify(c, good); !r.Passed || r.Seen != 3 {
		t.Fatalf("genuine: %+v", r)
	}
	cases := map[string]func([]Observed) []Observed{
		"moves in another order": func(f []Observed) []Observed { f[3].Pose, f[5].Pose = f[5].Pose, f[3].Pose; return f },
		"a still picture":        func(f []Observed) []Observed { f[3].Pose.Yaw, f[5].Pose.Yaw = 0.02, 0.02; return f },
		"not closer":             func(f []Observed) []Observed { f[4].Pose.Size = 0.22; return f },
		"timestamps go back":     func(f []Observed) []Observed { f[2].AtMS = 100; return f },
		"a step missing":         func(f []Observed) []Observed { return f[:5] },
		"face leaves the frame":  func(f []Observed) []Observed { f[4].Pose.Inside = false; return f },
		"a turn seen far away":   func(f []Observed) []Observed { f[3].Pose.Width = 0.2; return f },
		"turned from the start":  func(f []Observed) []Observed { f[0].Pose.Yaw, f[1].Pose.Yaw = 0.3, 0.3; return f },
		"no face at the start":   func(f []Observed) []Observed { f[0].Pose, f[1].Pose = Pose{}, Pose{}; return f },
		"steps too fast":         func(f []Observed) []Observed { f[2].AtMS, f[3].AtMS = 210, 220; return f },
		"step out of range":      func(f []Observed) []Observed { f[5].Step = 4; return f },
	}
	for name, mut := range cases {
		frames := mut(append([]Observed(nil), good...))
		if r := Verify(c, frames); r.Passed || r.Why == "" {
			t.Errorf("%s: passed %+v", name, r)
		}
	}
}

func TestFraming(t *testing.T) {
	for _, tc := range []struct {
		p    Pose
		want Framing
	}{
		{Pose{}, FrameNoFace},
		{Pose{Found: true, Width: 0.3}, FrameOutside},
		{pose(0, 0.05), FrameFar},
		{pose(0, 0.4), FrameNear},
		{pose(0.3, 0.2), FrameTurned},
		{pose(0.05, 0.2), FrameOK},
	} {
		if got := Frame(tc.p); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.p, got, tc.want)
		}
	}
}
