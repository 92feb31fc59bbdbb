package liveness

import widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"

// Proto converts m to the wire enum.
func (m Move) Proto() widgetv1.LivenessMove {
	switch m {
	case TurnLeft:
		return widgetv1.LivenessMove_LIVENESS_MOVE_TURN_LEFT
	case TurnRight:
		return widgetv1.LivenessMove_LIVENESS_MOVE_TURN_RIGHT
	case Closer:
		return widgetv1.LivenessMove_LIVENESS_MOVE_CLOSER
	}
	return widgetv1.LivenessMove_LIVENESS_MOVE_UNSPECIFIED
}

// FromProto converts wire moves to a Challenge, checking it is an allowed one.
func FromProto(ms []widgetv1.LivenessMove) (Challenge, error) {
	s := make([]string, len(ms))
	for i, m := range ms {
		for _, x := range Moves {
			if x.Proto() == m {
				s[i] = string(x)
			}
		}
	}
	return Parse(joinMoves(s))
}

// Proto converts c to wire moves.
func (c Challenge) Proto() []widgetv1.LivenessMove {
	out := make([]widgetv1.LivenessMove, len(c))
	for i, m := range c {
		out[i] = m.Proto()
	}
	return out
}
