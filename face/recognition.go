package face

import (
	"errors"
	"image"
	"math"
)

// Descriptor is a face's 128-d embedding; faces of one person lie closer
// than about 0.6 in Euclidean distance.
type Descriptor [128]float32

// Distance is the Euclidean distance between two descriptors.
func (d *Descriptor) Distance(e *Descriptor) float64 {
	var s float64
	for i := range d {
		v := float64(d[i] - e[i])
		s += v * v
	}
	return math.Sqrt(s)
}

// convLayer is a convolution whose bias and following per-channel scale
// layer (x*w + b) are folded into its filter and bias at load time.
type convLayer struct {
	filter, bias []float32
	k, cout      int
}

func (l *loader) convLayer(prefix string, k, cin, cout int) convLayer {
	f := l.get(prefix+"/conv/filters", k, k, cin, cout)
	b := l.get(prefix+"/conv/bias", cout)
	sw := l.get(prefix+"/scale/weights", cout)
	sb := l.get(prefix+"/scale/biases", cout)
	if l.err != nil {
		return convLayer{}
	}
	// (conv + b)*s + sb = conv(filter*s) + (b*s + sb), per output channel.
	filter := make([]float32, len(f))
	for i, v := range f {
		filter[i] = v * sw[i%cout]
	}
	bias := make([]float32, cout)
	for i := range bias {
		bias[i] = b[i]*sw[i] + sb[i]
	}
	return convLayer{filter, bias, k, cout}
}

func (c *convLayer) run(x *Tensor, stride int, pad Padding) *Tensor {
	return Conv2D(x, c.filter, c.k, c.k, c.cout, c.bias, stride, pad)
}

type residualBlock struct {
	conv1, conv2 convLayer
	down         bool
}

// run is face-api's residual / residualDown.
func (r *residualBlock) run(x *Tensor) *Tensor {
	if !r.down {
		out := r.conv1.run(x, 1, Same).Relu()
		return r.conv2.run(out, 1, Same).Add(x).Relu()
	}
	out := r.conv1.run(x, 2, Valid).Relu()
	out = r.conv2.run(out, 1, Same)
	pooled := AvgPool(x, 2, 2)
	// The shortcut is the 2×2 average pool, zero-padded to the block's
	// channels; when the strided 'valid' conv comes out one smaller, the
	// conv output gets a zero row and column at the bottom and right.
	sum := NewTensor(pooled.H, pooled.W, out.C)
	for y := range sum.H {
		for x := range sum.W {
			s := sum.pixel(y, x)
			copy(s, pooled.pixel(y, x))
			if y < out.H && x < out.W {
				for i, v := range out.pixel(y, x) {
					s[i] += v
				}
			}
		}
	}
	return sum.Relu()
}

// RecognitionNet is face-api's FaceRecognitionNet, a ResNet-34-like net
// (dlib's face recognition model) mapping a 150×150 face to a Descriptor.
type RecognitionNet struct {
	convDown convLayer
	blocks   []residualBlock
	fc       []float32
}

// NewRecognitionNet builds the recognition net from tfjs weights.
func NewRecognitionNet(w *Weights) (*RecognitionNet, error) {
	l := newLoader(w)
	n := &RecognitionNet{convDown: l.convLayer("conv32_down", 7, 3, 32)}
	for _, b := range []struct {
		name      string
		cin, cout int
	}{
		{"conv32_1", 32, 32}, {"conv32_2", 32, 32}, {"conv32_3", 32, 32},
		{"conv64_down", 32, 64}, {"conv64_1", 64, 64}, {"conv64_2", 64, 64}, {"conv64_3", 64, 64},
		{"conv128_down", 64, 128}, {"conv128_1", 128, 128}, {"conv128_2", 128, 128},
		{"conv256_down", 128, 256}, {"conv256_1", 256, 256}, {"conv256_2", 256, 256},
		{"conv256_down_out", 256, 256},
	} {
		down := b.name == "conv64_down" || b.name == "conv128_down" || b.name == "conv256_down" || b.name == "conv256_down_out"
		n.blocks = append(n.blocks, residualBlock{
			conv1: l.convLayer(b.name+"/conv1", 3, b.cin, b.cout),
			conv2: l.convLayer(b.name+"/conv2", 3, b.cout, b.cout),
			down:  down,
		})
	}
	n.fc = l.get("fc", 256, 128)
	if err := l.done(); err != nil {
		return nil, err
	}
	return n, nil
}

// forward maps a normalized 150×150 input to the descriptor.
func (n *RecognitionNet) forward(x *Tensor) *Descriptor {
	x = n.convDown.run(x, 2, Valid).Relu()
	x = MaxPool(x, 3, 2, Valid)
	for i := range n.blocks {
		x = n.blocks[i].run(x)
	}
	// Global average pool, then the 256→128 projection (no bias).
	avg := make([]float32, x.C)
	for p := 0; p < x.H*x.W; p++ {
		for i, v := range x.Data[p*x.C : (p+1)*x.C] {
			avg[i] += v
		}
	}
	for i := range avg {
		avg[i] /= float32(x.H * x.W)
	}
	var d Descriptor
	copy(d[:], FullyConnected(avg, n.fc, make([]float32, 128)))
	return &d
}

// AlignedBox is the square face-api crops for the recognition net
// (FaceLandmarks.align with useDlibAlignment): centred on the mean of the
// eye and mouth centres, with side the eye-to-mouth distance / 0.45.
func (l *Landmarks) AlignedBox() Rect {
	le, re, mo := l.LeftEye(), l.RightEye(), l.Mouth()
	dist := (math.Hypot(mo.X-le.X, mo.Y-le.Y) + math.Hypot(mo.X-re.X, mo.Y-re.Y)) / 2
	size := math.Floor(dist / 0.45)
	c := centroid([]Point{le, re, mo})
	x := math.Floor(math.Max(0, c.X-0.5*size))
	y := math.Floor(math.Max(0, c.Y-0.43*size))
	return Rect{x, y, size, size}
}

// Descriptor computes the face descriptor from the landmarks of one face
// in img: it crops lm.AlignedBox(), pads it to a centred square and resizes
// it to 150×150 as face-api does.
func (n *RecognitionNet) Descriptor(img image.Image, lm *Landmarks) (*Descriptor, error) {
	return n.DescriptorBox(img, lm.AlignedBox())
}

// DescriptorBox computes the descriptor of the face filling box.
func (n *RecognitionNet) DescriptorBox(img image.Image, box Rect) (*Descriptor, error) {
	b := img.Bounds()
	c := clipFloor(box, b.Dx(), b.Dy())
	if c.w <= 0 || c.h <= 0 {
		return nil, errors.New("face: recognition box does not overlap the image")
	}
	x := squareInput(samplerFor(img), c, true, 150, featureMean)
	return n.forward(x), nil
}
