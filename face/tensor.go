package face

import (
	"runtime"
	"sync"
)

// Tensor is a single image's activations in HWC (NHWC with N=1) order, the
// layout tfjs uses, so channel vectors are contiguous.
type Tensor struct {
	H, W, C int
	Data    []float32
}

// NewTensor returns a zeroed h×w×c tensor.
func NewTensor(h, w, c int) *Tensor {
	return &Tensor{H: h, W: w, C: c, Data: make([]float32, h*w*c)}
}

// pixel returns the channel vector at (y, x).
func (t *Tensor) pixel(y, x int) []float32 {
	i := (y*t.W + x) * t.C
	return t.Data[i : i+t.C : i+t.C]
}

// Padding selects tfjs's 'valid' or 'same' output size and padding.
type Padding int

const (
	Valid Padding = iota
	Same
)

// outSize returns the output length and the padding before the first input
// element, as tfjs computes them: 'same' gives ceil(in/stride) outputs with
// the odd padding element placed after the input.
func outSize(in, k, stride int, p Padding) (out, before int) {
	if p == Valid {
		return (in-k)/stride + 1, 0
	}
	out = (in + stride - 1) / stride
	total := max((out-1)*stride+k-in, 0)
	return out, total / 2
}

// parallelRows runs fn over [0,n) split into contiguous chunks, one per
// available processor. Under js/wasm GOMAXPROCS is 1 and it runs inline.
func parallelRows(n int, fn func(lo, hi int)) {
	procs := runtime.GOMAXPROCS(0)
	if procs > n {
		procs = n
	}
	if procs <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for p := range procs {
		lo, hi := p*n/procs, (p+1)*n/procs
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}

// axpy computes dst += a*x; len(x) must be at least len(dst).
func axpy(dst, x []float32, a float32) {
	x = x[:len(dst)]
	i := 0
	for ; i+4 <= len(dst); i += 4 {
		d := dst[i : i+4 : i+4]
		s := x[i : i+4 : i+4]
		d[0] += a * s[0]
		d[1] += a * s[1]
		d[2] += a * s[2]
		d[3] += a * s[3]
	}
	for ; i < len(dst); i++ {
		dst[i] += a * x[i]
	}
}

// Conv2D is tf.conv2d followed by a bias add (bias may be nil). filter is
// HWIO [kh, kw, x.C, cout].
func Conv2D(x *Tensor, filter []float32, kh, kw, cout int, bias []float32, stride int, pad Padding) *Tensor {
	oh, pt := outSize(x.H, kh, stride, pad)
	ow, pl := outSize(x.W, kw, stride, pad)
	out := NewTensor(oh, ow, cout)
	cin := x.C
	parallelRows(oh, func(lo, hi int) {
		for oy := lo; oy < hi; oy++ {
			for ox := range ow {
				o := out.pixel(oy, ox)
				if bias != nil {
					copy(o, bias)
				}
				for ky := range kh {
					iy := oy*stride - pt + ky
					if iy < 0 || iy >= x.H {
						continue
					}
					for kx := range kw {
						ix := ox*stride - pl + kx
						if ix < 0 || ix >= x.W {
							continue
						}
						in := x.pixel(iy, ix)
						wk := filter[(ky*kw+kx)*cin*cout:]
						for ic, v := range in {
							if v != 0 {
								axpy(o, wk[ic*cout:], v)
							}
						}
					}
				}
			}
		}
	})
	return out
}

// DepthwiseConv2D is tf.depthwiseConv2d with channel multiplier 1; filter
// is [kh, kw, x.C, 1].
func DepthwiseConv2D(x *Tensor, filter []float32, kh, kw, stride int, pad Padding) *Tensor {
	oh, pt := outSize(x.H, kh, stride, pad)
	ow, pl := outSize(x.W, kw, stride, pad)
	c := x.C
	out := NewTensor(oh, ow, c)
	parallelRows(oh, func(lo, hi int) {
		for oy := lo; oy < hi; oy++ {
			for ox := range ow {
				o := out.pixel(oy, ox)
				for ky := range kh {
					iy := oy*stride - pt + ky
					if iy < 0 || iy >= x.H {
						continue
					}
					for kx := range kw {
						ix := ox*stride - pl + kx
						if ix < 0 || ix >= x.W {
							continue
						}
						in := x.pixel(iy, ix)
						wk := filter[(ky*kw+kx)*c:][:c]
						for i, v := range in {
							o[i] += v * wk[i]
						}
					}
				}
			}
		}
	})
	return out
}

// PointwiseConv2D is a 1×1 convolution (filter [x.C, cout]) plus bias.
func PointwiseConv2D(x *Tensor, filter []float32, cout int, bias []float32) *Tensor {
	out := NewTensor(x.H, x.W, cout)
	n := x.H * x.W
	parallelRows(n, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			o := out.Data[p*cout : (p+1)*cout]
			if bias != nil {
				copy(o, bias)
			}
			for ic, v := range x.Data[p*x.C : (p+1)*x.C] {
				if v != 0 {
					axpy(o, filter[ic*cout:], v)
				}
			}
		}
	})
	return out
}

// SeparableConv2D is tf.separableConv2d (3×3 depthwise, then pointwise)
// plus bias.
func SeparableConv2D(x *Tensor, sc *sepConv, stride int, pad Padding) *Tensor {
	return PointwiseConv2D(DepthwiseConv2D(x, sc.depthwise, 3, 3, stride, pad), sc.pointwise, sc.cout, sc.bias)
}

// MaxPool is tf.maxPool; with 'same' padding the padded cells are ignored.
func MaxPool(x *Tensor, k, stride int, pad Padding) *Tensor {
	oh, pt := outSize(x.H, k, stride, pad)
	ow, pl := outSize(x.W, k, stride, pad)
	out := NewTensor(oh, ow, x.C)
	for oy := range oh {
		for ox := range ow {
			o := out.pixel(oy, ox)
			first := true
			for ky := range k {
				iy := oy*stride - pt + ky
				if iy < 0 || iy >= x.H {
					continue
				}
				for kx := range k {
					ix := ox*stride - pl + kx
					if ix < 0 || ix >= x.W {
						continue
					}
					in := x.pixel(iy, ix)
					if first {
						copy(o, in)
						first = false
						continue
					}
					for i, v := range in {
						if v > o[i] {
							o[i] = v
						}
					}
				}
			}
		}
	}
	return out
}

// AvgPool is tf.avgPool with 'valid' padding, the only kind these nets use.
func AvgPool(x *Tensor, k, stride int) *Tensor {
	oh, _ := outSize(x.H, k, stride, Valid)
	ow, _ := outSize(x.W, k, stride, Valid)
	out := NewTensor(oh, ow, x.C)
	inv := 1 / float32(k*k)
	for oy := range oh {
		for ox := range ow {
			o := out.pixel(oy, ox)
			for ky := range k {
				for kx := range k {
					for i, v := range x.pixel(oy*stride+ky, ox*stride+kx) {
						o[i] += v
					}
				}
			}
			for i := range o {
				o[i] *= inv
			}
		}
	}
	return out
}

// Relu applies max(0, v) in place.
func (t *Tensor) Relu() *Tensor {
	for i, v := range t.Data {
		if v < 0 {
			t.Data[i] = 0
		}
	}
	return t
}

// Leaky applies leaky ReLU with slope 0.1 in place.
func (t *Tensor) Leaky() *Tensor {
	for i, v := range t.Data {
		if v < 0 {
			t.Data[i] = 0.1 * v
		}
	}
	return t
}

// Add adds u (same shape) in place.
func (t *Tensor) Add(u *Tensor) *Tensor {
	d := t.Data
	for i, v := range u.Data[:len(d)] {
		d[i] += v
	}
	return t
}

// Sum returns a new tensor holding the elementwise sum of ts.
func Sum(ts ...*Tensor) *Tensor {
	out := &Tensor{H: ts[0].H, W: ts[0].W, C: ts[0].C, Data: make([]float32, len(ts[0].Data))}
	copy(out.Data, ts[0].Data)
	for _, t := range ts[1:] {
		out.Add(t)
	}
	return out
}

// FullyConnected returns x·W + b for W [len(x), len(b)].
func FullyConnected(x, w, b []float32) []float32 {
	out := make([]float32, len(b))
	copy(out, b)
	for i, v := range x {
		axpy(out, w[i*len(b):], v)
	}
	return out
}

// sepConv holds depthwise-separable convolution weights.
type sepConv struct {
	depthwise, pointwise, bias []float32
	cout                       int
}

func (l *loader) sepConv(prefix string, cin, cout int) *sepConv {
	return &sepConv{
		depthwise: l.get(prefix+"/depthwise_filter", 3, 3, cin, 1),
		pointwise: l.get(prefix+"/pointwise_filter", 1, 1, cin, cout),
		bias:      l.get(prefix+"/bias", cout),
		cout:      cout,
	}
}
