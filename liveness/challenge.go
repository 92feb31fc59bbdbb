// Package liveness is the selfie challenge shared by the server and the browser widget:
// the moves a person is asked to make, the head pose measured from face landmarks, and
// the rule that decides whether a sequence of frames shows the moves in order. The
// widget uses it to advance each step when the move is seen; the server uses the same
// code to verify the frames it was sent. It must stay free of server dependencies.
package liveness

import (
	"fmt"
	"strings"
	"time"
)

// Move is one thing the person is asked to do.
type Move string

// The moves. Turns are what a flat picture cannot do: moving, tilting or scaling a
// photo keeps the nose where it is between the eyes, so every challenge holds a turn.
const (
	TurnLeft  Move = "turn_left"  // the person turns their head to their own left
	TurnRight Move = "turn_right" // … to their own right
	Closer    Move = "closer"     // the face grows in the frame
)

// Moves lists every move.
var Moves = []Move{TurnLeft, TurnRight, Closer}

func (m Move) valid() bool { return m == TurnLeft || m == TurnRight || m == Closer }

func (m Move) turn() bool { return m == TurnLeft || m == TurnRight }

// Challenge is the sequence of moves asked of one attempt, in order.
type Challenge []Move

// Challenge lengths.
const (
	MinMoves = 2
	MaxMoves = 3
)

// challenges are every allowed sequence: 2 or 3 distinct moves, at least one a turn.
var challenges = func() []Challenge {
	var out []Challenge
	var grow func(c Challenge)
	grow = func(c Challenge) {
		if len(c) >= MinMoves && c.hasTurn() {
			out = append(out, append(Challenge(nil), c...))
		}
		if len(c) == MaxMoves {
			return
		}
		for _, m := range Moves {
			if !c.has(m) {
				grow(append(c, m))
			}
		}
	}
	grow(nil)
	return out
}()

// New picks a challenge uniformly from every allowed sequence; intn(n) must return a
// uniform number in [0, n) from a CSPRNG (the server's crypto/rand), so a recording made
// for one attempt rarely fits the next. The source is the caller's so that the widget,
// which only reads challenges, does not link a CSPRNG.
func New(intn func(n int) (int, error)) (Challenge, error) {
	i, err := intn(len(challenges))
	if err != nil {
		return nil, err
	}
	if i < 0 || i >= len(challenges) {
		return nil, fmt.Errorf("liveness: random index %d out of range", i)
	}
	return append(Challenge(nil), challenges[i]...), nil
}

func (c Challenge) has(m Move) bool {
	for _, x := range c {
		if x == m {
			return true
		}
	}
	return false
}

func (c Challenge) hasTurn() bool {
	for _, x := range c {
		if x.turn() {
			return true
		}
	}
	return false
}

// String is the stored form: moves joined by commas.
func (c Challenge) String() string {
	s := make([]string, len(c))
	for i, m := range c {
		s[i] = string(m)
	}
	return joinMoves(s)
}

func joinMoves(s []string) string { return strings.Join(s, ",") }

// Parse reads a stored or transmitted challenge and checks it is an allowed one.
func Parse(s string) (Challenge, error) {
	if s == "" {
		return nil, fmt.Errorf("no challenge")
	}
	var c Challenge
	for _, p := range strings.Split(s, ",") {
		m := Move(p)
		if !m.valid() || c.has(m) {
			return nil, fmt.Errorf("invalid challenge %q", s)
		}
		c = append(c, m)
	}
	if len(c) < MinMoves || len(c) > MaxMoves || !c.hasTurn() {
		return nil, fmt.Errorf("invalid challenge %q", s)
	}
	return c, nil
}

// Limits of a selfie attempt, shared by the server (which enforces them) and the
// widget (which stays within them).
const (
	// TTL is how long a challenge can be answered after it was issued.
	TTL = 10 * time.Minute
	// MaxPerCase bounds the challenges one case may draw: a recording cannot be
	// replayed until the order happens to fit.
	MaxPerCase = 10
	// MinFrames and MaxFrames bound the frames that answer a challenge.
	MinFrames = 3
	MaxFrames = 12
)
