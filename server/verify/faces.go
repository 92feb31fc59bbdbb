package verify

import (
	"encoding/binary"
	"fmt"
	"image"
	"math"
	"slices"

	"github.com/rampart-id/rampart/face"
	"github.com/rampart-id/rampart/liveness"
)

// Detector input sizes. Selfie frames use face-api's default too: at 320 the boxes
// shift enough to move the landmarks' yaw by half a turn on the test videos.
const (
	documentInputSize = 416
	selfieInputSize   = 416
	// sameFaceYaw bounds the yaw change of the frames compared with the straight-ahead
	// template for the same-person check.
	sameFaceYaw = liveness.TurnYaw / 2
	// sameFaceMinSize bounds how much the eye distance of a compared frame may
	// shrink: a turned face whose landmarks collapsed towards the middle measures a
	// small yaw with eyes far too close (and a descriptor like nobody's).
	sameFaceMinSize = 0.85
	// singleFaceShare: a document shows a single face when any other face found is
	// smaller than this share of the largest's area (a passport's small ghost portrait
	// is allowed; two portraits of one size are not).
	singleFaceShare = 0.5
	// maxPortraitShare bounds a document portrait's box, as a share of the photo's
	// width and height.
	maxPortraitShare = 0.5
)

// found is the largest face in an image, with its landmarks.
type found struct {
	det face.Detection
	lm  *face.Landmarks
	all []face.Detection // every face found
	ok  bool
}

func largestFace(img image.Image, inputSize int, keep func(image.Image, face.Detection) bool) (found, error) {
	dets, err := face.Detect(img, face.DetectOptions{InputSize: inputSize})
	if err != nil {
		return found{}, err
	}
	if keep != nil {
		dets = slices.DeleteFunc(dets, func(d face.Detection) bool { return !keep(img, d) })
	}
	if len(dets) == 0 {
		return found{}, nil
	}
	best := dets[0]
	for _, d := range dets[1:] {
		if d.Box.Width*d.Box.Height > best.Box.Width*best.Box.Height {
			best = d
		}
	}
	ln, err := face.DefaultLandmarkNet()
	if err != nil {
		return found{}, err
	}
	lm, err := ln.Landmarks(img, best.Box)
	if err != nil {
		return found{}, err
	}
	return found{det: best, lm: lm, all: dets, ok: true}, nil
}

func descriptor(img image.Image, lm *face.Landmarks) (*face.Descriptor, error) {
	rn, err := face.DefaultRecognitionNet()
	if err != nil {
		return nil, err
	}
	return rn.Descriptor(img, lm)
}

// docFace is the portrait on a document's photo side.
type docFace struct {
	found      bool
	score      float64
	descriptor *face.Descriptor
}

func documentFace(img image.Image) (docFace, error) {
	if img == nil {
		return docFace{}, nil
	}
	f, err := largestFace(img, documentInputSize, portraitSized)
	if err != nil || !f.ok {
		return docFace{}, err
	}
	area := f.det.Box.Width * f.det.Box.Height
	for _, d := range f.all {
		if d != f.det && d.Box.Width*d.Box.Height >= singleFaceShare*area {
			return docFace{score: f.det.Score}, nil // two portraits: which one is the holder?
		}
	}
	desc, err := descriptor(img, f.lm)
	if err != nil {
		return docFace{}, err
	}
	return docFace{found: true, score: f.det.Score, descriptor: desc}, nil
}

// portraitSized: a document's portrait is a small part of a photo of the document
// (a quarter of its width at most, the document filling the frame). The detector
// now and then scores a box spanning the whole page as a face (0.55 on one generated
// passport); taken as the largest face it would replace the holder's portrait.
func portraitSized(img image.Image, d face.Detection) bool {
	b := img.Bounds()
	return d.Box.Width <= maxPortraitShare*float64(b.Dx()) && d.Box.Height <= maxPortraitShare*float64(b.Dy())
}

// selfie is what the frames of a selfie attempt show.
type selfie struct {
	withFace int                 // frames with a face
	observed []liveness.Observed // per frame: time, step, pose
	template *face.Descriptor    // the face looking straight ahead
	spread   float64             // largest distance of a move's face from the template
}

func analyzeSelfie(frames []Frame) (selfie, error) {
	var s selfie
	faces := make([]found, len(frames))
	for i, fr := range frames {
		f, err := largestFace(fr.Image, selfieInputSize, nil)
		if err != nil {
			return s, err
		}
		faces[i] = f
		p := liveness.Pose{}
		if f.ok {
			s.withFace++
			b := fr.Image.Bounds()
			p = liveness.PoseOf(f.lm, f.det.Box, b.Dx(), b.Dy())
		}
		s.observed = append(s.observed, liveness.Observed{AtMS: fr.AtMS, Step: fr.Step, Pose: p})
	}
	// The template: the mean descriptor of up to two well-framed straight-ahead
	// frames, else of the frame closest to straight ahead.
	var straight []int
	for i, o := range s.observed {
		if o.Step == 0 && liveness.Frame(o.Pose) == liveness.FrameOK && len(straight) < 2 {
			straight = append(straight, i)
		}
	}
	if len(straight) == 0 {
		best := -1
		for i, o := range s.observed {
			if o.Pose.Found && (best < 0 || math.Abs(o.Pose.Yaw) < math.Abs(s.observed[best].Pose.Yaw)) {
				best = i
			}
		}
		if best < 0 {
			return s, nil
		}
		straight = []int{best}
	}
	var sum face.Descriptor
	for _, i := range straight {
		d, err := descriptor(frames[i].Image, faces[i].lm)
		if err != nil {
			return s, err
		}
		for k := range sum {
			sum[k] += d[k] / float32(len(straight))
		}
	}
	s.template = &sum
	// Same person throughout: in each step, the face nearest the camera among those
	// looking straight ahead at full size, against the template. Turned faces are not compared:
	// the descriptor of a face turned even part of the way drifts as far as another
	// person's (see the README).
	base := s.observed[straight[0]].Pose
	nearest := map[int]int{}
	for i, o := range s.observed {
		if o.Step == 0 || !o.Pose.Found || math.Abs(o.Pose.Yaw-base.Yaw) >= sameFaceYaw || o.Pose.Size < sameFaceMinSize*base.Size {
			continue
		}
		if j, ok := nearest[o.Step]; !ok || o.Pose.Size > s.observed[j].Pose.Size {
			nearest[o.Step] = i
		}
	}
	for _, i := range nearest {
		d, err := descriptor(frames[i].Image, faces[i].lm)
		if err != nil {
			return s, err
		}
		s.spread = math.Max(s.spread, d.Distance(s.template))
	}
	return s, nil
}

// encodeDescriptor is the stored form of a face template: 128 little-endian float32.
func encodeDescriptor(d *face.Descriptor) []byte {
	out := make([]byte, 0, 4*len(d))
	for _, v := range d {
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(v))
	}
	return out
}

func decodeDescriptor(b []byte) (face.Descriptor, error) {
	var d face.Descriptor
	if len(b) != 4*len(d) {
		return d, fmt.Errorf("face template of %d bytes", len(b))
	}
	for i := range d {
		d[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return d, nil
}
