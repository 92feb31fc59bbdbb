package liveness

import (
	"math"

	"github.com/rampart-id/rampart/face"
)

// Pose is what the challenge needs of one face in one frame.
type Pose struct {
	Found bool
	// Yaw is the nose tip's offset from the midpoint of the eyes' outer corners, along
	// the line through them, in eye distances. 0 faces the camera; > 0 is turned to the
	// person's own left (the nose toward the right of an unmirrored camera frame). It is
	// a ratio of distances along one line, so moving, scaling or rotating a flat picture
	// leaves it where it was, and tilting one moves it little (a tilt after an in-plane
	// rotation shears the face: measured ≤ 0.09 at 20° and 60 %): a head that turns
	// moves it more.
	Yaw float64
	// Size is the distance between the eyes' outer corners over the frame's width.
	Size float64
	// Width is the face box's width over the frame's width (for framing guidance).
	Width float64
	// Inside reports whether the face box lies within the frame.
	Inside bool
}

// PoseOf measures a face found in a w×h frame.
func PoseOf(lm *face.Landmarks, box face.Rect, w, h int) Pose {
	l, r, nose := lm[36], lm[45], lm[30]
	dx, dy := r.X-l.X, r.Y-l.Y
	iod := math.Hypot(dx, dy)
	if iod == 0 || w <= 0 || h <= 0 {
		return Pose{}
	}
	mx, my := (l.X+r.X)/2, (l.Y+r.Y)/2
	yaw := ((nose.X-mx)*dx + (nose.Y-my)*dy) / (iod * iod)
	tol := 0.05 * box.Width
	inside := box.X >= -tol && box.Y >= -tol && box.X+box.Width <= float64(w)+tol && box.Y+box.Height <= float64(h)+tol
	return Pose{Found: true, Yaw: yaw, Size: iod / float64(w), Width: box.Width / float64(w), Inside: inside}
}

// Thresholds of the challenge. See the README's liveness section for the data they
// were set on.
const (
	// NeutralYaw bounds |Yaw| when the person is asked to look straight at the camera.
	NeutralYaw = 0.12
	// TurnYaw is the change of Yaw from the straight-ahead frames that counts as a turn.
	TurnYaw = 0.15
	// CloserGain is the growth of Size over the straight-ahead frames that counts as
	// coming closer.
	CloserGain = 1.25
	// TurnMinWidth is the least face box width of a turn, as a share of the
	// straight-ahead one: the landmarks of a face pulled far from the camera are
	// noisy enough to fake a turn.
	TurnMinWidth = 0.75
	// MinWidth and MaxWidth bound the face box's share of the frame's width when
	// looking straight ahead: smaller is too far to measure, larger leaves no room to
	// come closer.
	MinWidth = 0.18
	MaxWidth = 0.55
)

// Seen reports whether pose p, compared with the straight-ahead pose base, shows m.
func Seen(m Move, base, p Pose) bool {
	if !p.Found || !base.Found || !p.Inside {
		return false
	}
	switch m {
	case TurnLeft:
		return p.Yaw-base.Yaw >= TurnYaw && p.Width >= base.Width*TurnMinWidth
	case TurnRight:
		return base.Yaw-p.Yaw >= TurnYaw && p.Width >= base.Width*TurnMinWidth
	case Closer:
		return p.Size >= base.Size*CloserGain && math.Abs(p.Yaw-base.Yaw) < TurnYaw
	}
	return false
}

// Framing is what to tell a person whose straight-ahead pose is p.
type Framing string

// Framing advice, in the order the widget checks it.
const (
	FrameNoFace  Framing = "no_face"
	FrameOutside Framing = "outside"  // move into the oval
	FrameFar     Framing = "too_far"  // come closer
	FrameNear    Framing = "too_near" // move back
	FrameTurned  Framing = "turned"   // look straight at the camera
	FrameOK      Framing = "ok"
)

// Frame tells whether p can be the straight-ahead pose the moves are measured from.
func Frame(p Pose) Framing {
	switch {
	case !p.Found:
		return FrameNoFace
	case !p.Inside:
		return FrameOutside
	case p.Width < MinWidth:
		return FrameFar
	case p.Width > MaxWidth:
		return FrameNear
	case math.Abs(p.Yaw) > NeutralYaw:
		return FrameTurned
	}
	return FrameOK
}
