package face

import (
	"errors"
	"fmt"
	"image"
	"math"
	"sort"
)

// Rect is an axis-aligned box in pixels of the original image.
type Rect struct {
	X, Y, Width, Height float64
}

func (r Rect) area() float64 { return r.Width * r.Height }

// iou is intersection over union, as face-api's ops/iou.
func iou(a, b Rect) float64 {
	w := math.Max(0, math.Min(a.X+a.Width, b.X+b.Width)-math.Max(a.X, b.X))
	h := math.Max(0, math.Min(a.Y+a.Height, b.Y+b.Height)-math.Max(a.Y, b.Y))
	in := w * h
	return in / (a.area() + b.area() - in)
}

// Detection is one detected face.
type Detection struct {
	Box   Rect
	Score float64
}

// DetectOptions mirrors face-api's TinyFaceDetectorOptions.
type DetectOptions struct {
	// InputSize is the square network input side, a multiple of 32;
	// 0 means 416. Smaller is faster and finds fewer small faces.
	InputSize int
	// ScoreThreshold keeps boxes scoring above it; 0 means
	// DefaultScoreThreshold.
	ScoreThreshold float64
}

// DefaultScoreThreshold is face-api's default minimum detection score.
const DefaultScoreThreshold = 0.5

// Detector is face-api's TinyFaceDetector: TinyYolov2 with depthwise
// separable convolutions, one class, five anchors, 13×13 cells at 416.
type Detector struct {
	conv0w, conv0b []float32
	sep            [5]*sepConv // conv1..conv5
	conv8w, conv8b []float32
}

var (
	tinyAnchors = [5][2]float64{
		{1.603231, 2.094468},
		{6.041143, 7.080126},
		{2.882459, 3.518061},
		{4.266906, 5.178857},
		{9.041765, 10.66308},
	}
	tinyMean = [3]float32{117.001, 114.697, 97.404}
)

const tinyIOUThreshold = 0.4

// NewDetector builds the detector from tfjs weights.
func NewDetector(w *Weights) (*Detector, error) {
	l := newLoader(w)
	d := &Detector{
		conv0w: l.get("conv0/filters", 3, 3, 3, 16),
		conv0b: l.get("conv0/bias", 16),
		conv8w: l.get("conv8/filters", 1, 1, 512, 25),
		conv8b: l.get("conv8/bias", 25),
	}
	sizes := []int{16, 32, 64, 128, 256, 512}
	for i := range d.sep {
		d.sep[i] = l.sepConv(fmt.Sprintf("conv%d", i+1), sizes[i], sizes[i+1])
	}
	if err := l.done(); err != nil {
		return nil, err
	}
	return d, nil
}

// forward runs the network on a normalized input, returning the raw
// cells×cells×25 output.
func (d *Detector) forward(x *Tensor) *Tensor {
	x = Conv2D(x, d.conv0w, 3, 3, 16, d.conv0b, 1, Valid).Leaky()
	for _, sc := range d.sep {
		x = MaxPool(x, 2, 2, Same)
		// face-api pads by one then convolves 'valid', which for a 3×3
		// stride-1 kernel is 'same'.
		x = SeparableConv2D(x, sc, 1, Same).Leaky()
	}
	x = MaxPool(x, 2, 1, Same)
	return PointwiseConv2D(x, d.conv8w, 25, d.conv8b)
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// Detect finds faces, returning them best first with boxes in img's pixel
// coordinates (relative to img.Bounds().Min).
func (d *Detector) Detect(img image.Image, opts DetectOptions) ([]Detection, error) {
	size := opts.InputSize
	if size == 0 {
		size = 416
	}
	if size < 32 || size%32 != 0 {
		return nil, fmt.Errorf("face: input size %d is not a positive multiple of 32", size)
	}
	thresh := opts.ScoreThreshold
	if thresh == 0 {
		thresh = DefaultScoreThreshold
	}
	if thresh < 0 || thresh >= 1 {
		return nil, fmt.Errorf("face: score threshold %v not in (0, 1)", thresh)
	}
	b := img.Bounds()
	iw, ih := b.Dx(), b.Dy()
	if iw <= 0 || ih <= 0 {
		return nil, errors.New("face: empty image")
	}
	x := squareInput(samplerFor(img), crop{0, 0, iw, ih}, false, size, tinyMean)
	out := d.forward(x)
	return decodeBoxes(out, iw, ih, size, thresh), nil
}

// decodeBoxes turns the YOLO grid into scored boxes and applies NMS, as
// TinyYolov2Base.extractBoxes and detect do.
func decodeBoxes(out *Tensor, iw, ih, size int, thresh float64) []Detection {
	// Boxes are decoded relative to the image's area inside the padded
	// square (rounded as computeReshapedDimensions does), then scaled to
	// the original image.
	scale := float64(size) / float64(max(iw, ih))
	rw, rh := math.Round(float64(iw)*scale), math.Round(float64(ih)*scale)
	side := math.Max(rw, rh)
	cfx, cfy := side/rw, side/rh
	cells := float64(out.H)
	var dets []Detection
	for row := range out.H {
		for col := range out.W {
			v := out.pixel(row, col)
			for a, anc := range tinyAnchors {
				e := v[a*5 : a*5+5]
				score := sigmoid(float64(e[4]))
				if score <= thresh {
					continue
				}
				cx := (float64(col) + sigmoid(float64(e[0]))) / cells * cfx
				cy := (float64(row) + sigmoid(float64(e[1]))) / cells * cfy
				w := math.Exp(float64(e[2])) * anc[0] / cells * cfx
				h := math.Exp(float64(e[3])) * anc[1] / cells * cfy
				dets = append(dets, Detection{
					Box:   Rect{(cx - w/2) * float64(iw), (cy - h/2) * float64(ih), w * float64(iw), h * float64(ih)},
					Score: score,
				})
			}
		}
	}
	return nms(dets, tinyIOUThreshold)
}

// nms keeps the best-scoring box and drops the rest overlapping it by more
// than thresh, repeatedly.
func nms(dets []Detection, thresh float64) []Detection {
	sort.SliceStable(dets, func(i, j int) bool { return dets[i].Score > dets[j].Score })
	var keep []Detection
	dropped := make([]bool, len(dets))
	for i := range dets {
		if dropped[i] {
			continue
		}
		keep = append(keep, dets[i])
		for j := i + 1; j < len(dets); j++ {
			if !dropped[j] && iou(dets[i].Box, dets[j].Box) > thresh {
				dropped[j] = true
			}
		}
	}
	return keep
}
