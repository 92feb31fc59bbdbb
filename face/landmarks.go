package face

import (
	"errors"
	"fmt"
	"image"
)

// Point is a position in pixels of the original image.
type Point struct{ X, Y float64 }

// Landmarks are the 68 iBUG points: 0-16 jaw, 17-21 and 22-26 brows, 27-35
// nose, 36-41 and 42-47 eyes (the image's left one first), 48-67 mouth.
type Landmarks [68]Point

func centroid(ps []Point) Point {
	var c Point
	for _, p := range ps {
		c.X += p.X
		c.Y += p.Y
	}
	c.X /= float64(len(ps))
	c.Y /= float64(len(ps))
	return c
}

// LeftEye, RightEye and Mouth are the centres of those point groups.
func (l *Landmarks) LeftEye() Point  { return centroid(l[36:42]) }
func (l *Landmarks) RightEye() Point { return centroid(l[42:48]) }
func (l *Landmarks) Mouth() Point    { return centroid(l[48:68]) }

// denseBlock holds one FaceFeatureExtractor dense block: conv0 (a plain conv
// in the first block, separable otherwise) then three separable convs.
type denseBlock struct {
	first        bool
	conv0w       []float32
	conv0b       []float32
	conv0        *sepConv
	conv1, conv2 *sepConv
	conv3        *sepConv
	cout         int
}

// LandmarkNet is face-api's FaceLandmark68Net: the FaceFeatureExtractor
// (four dense blocks on a 112×112 input) and a 256→136 fully connected
// layer giving 68 (x, y) pairs relative to the padded square input.
type LandmarkNet struct {
	dense     [4]denseBlock
	fcw, fcb  []float32
	inputSize int
	meanRGB   [3]float32
}

var featureMean = [3]float32{122.782, 117.001, 104.298}

// NewLandmarkNet builds the landmark net from tfjs weights.
func NewLandmarkNet(w *Weights) (*LandmarkNet, error) {
	l := newLoader(w)
	n := &LandmarkNet{inputSize: 112, meanRGB: featureMean}
	sizes := []int{3, 32, 64, 128, 256}
	for i := range n.dense {
		p := fmt.Sprintf("dense%d", i)
		cin, cout := sizes[i], sizes[i+1]
		b := &n.dense[i]
		b.cout = cout
		if i == 0 {
			b.first = true
			b.conv0w = l.get(p+"/conv0/filters", 3, 3, cin, cout)
			b.conv0b = l.get(p+"/conv0/bias", cout)
		} else {
			b.conv0 = l.sepConv(p+"/conv0", cin, cout)
		}
		b.conv1 = l.sepConv(p+"/conv1", cout, cout)
		b.conv2 = l.sepConv(p+"/conv2", cout, cout)
		b.conv3 = l.sepConv(p+"/conv3", cout, cout)
	}
	n.fcw = l.get("fc/weights", 256, 136)
	n.fcb = l.get("fc/bias", 136)
	if err := l.done(); err != nil {
		return nil, err
	}
	return n, nil
}

// run is denseBlock4: each separable conv sees the relu of the sum of all
// earlier outputs of the block.
func (b *denseBlock) run(x *Tensor) *Tensor {
	var out1 *Tensor
	if b.first {
		out1 = Conv2D(x, b.conv0w, 3, 3, b.cout, b.conv0b, 2, Same)
	} else {
		out1 = SeparableConv2D(x, b.conv0, 2, Same)
	}
	out1.Relu()
	out2 := SeparableConv2D(out1, b.conv1, 1, Same)
	out3 := SeparableConv2D(Sum(out1, out2).Relu(), b.conv2, 1, Same)
	out4 := SeparableConv2D(Sum(out1, out2, out3).Relu(), b.conv3, 1, Same)
	return Sum(out1, out2, out3, out4).Relu()
}

// features runs the FaceFeatureExtractor, giving 256 values.
func (n *LandmarkNet) features(x *Tensor) []float32 {
	for i := range n.dense {
		x = n.dense[i].run(x)
	}
	return AvgPool(x, 7, 2).Data
}

// Landmarks locates 68 points of the face in box (typically a Detection's
// Box), returning them in img's pixel coordinates.
//
// As face-api does, the box is clipped to the image and floored, the crop is
// zero-padded to a centred square and resized to 112×112, and the points are
// shifted back by the box's (unfloored) origin. That sub-pixel offset from
// the crop's origin is kept so results, and the aligned crop derived from
// them, match face-api's; only where the box leaves the image does this
// shift by the clipped origin instead of face-api's negative one.
func (n *LandmarkNet) Landmarks(img image.Image, box Rect) (*Landmarks, error) {
	b := img.Bounds()
	c := clipFloor(box, b.Dx(), b.Dy())
	if c.w <= 0 || c.h <= 0 {
		return nil, errors.New("face: landmark box does not overlap the image")
	}
	size := n.inputSize
	x := squareInput(samplerFor(img), c, true, size, n.meanRGB)
	out := FullyConnected(n.features(x), n.fcw, n.fcb)
	// Undo the square padding as FaceLandmark68NetBase.postProcess does: it
	// assumes the padding is split evenly on both sides.
	fw, fh := float64(c.w), float64(c.h)
	scale := float64(size) / max(fw, fh)
	sw, sh := fw*scale, fh*scale
	padX, padY := 0.0, 0.0
	if sw < sh {
		padX = (sh - sw) / 2
	} else if sh < sw {
		padY = (sw - sh) / 2
	}
	ox, oy := max(box.X, 0), max(box.Y, 0)
	var lm Landmarks
	for i := range lm {
		rx := (float64(out[2*i])*float64(size) - padX) / sw
		ry := (float64(out[2*i+1])*float64(size) - padY) / sh
		lm[i] = Point{rx*fw + ox, ry*fh + oy}
	}
	return &lm, nil
}
