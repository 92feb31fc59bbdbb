package face

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func seq(h, w, c int) *Tensor {
	t := NewTensor(h, w, c)
	for i := range t.Data {
		t.Data[i] = float32(i + 1)
	}
	return t
}

// tfjs pads 'same' convolutions with the odd element after the input, so a
// stride-2 3×3 window over a 4×4 input starts at the top-left pixel.
func TestConvSamePaddingIsAfter(t *testing.T) {
	x := seq(4, 4, 1)
	ones := []float32{1, 1, 1, 1, 1, 1, 1, 1, 1}
	out := Conv2D(x, ones, 3, 3, 1, nil, 2, Same)
	want := []float32{54, 45, 72, 54}
	if out.H != 2 || out.W != 2 {
		t.Fatalf("output %dx%d, want 2x2", out.H, out.W)
	}
	for i, w := range want {
		if out.Data[i] != w {
			t.Fatalf("output %v, want %v", out.Data, want)
		}
	}
	dw := DepthwiseConv2D(x, ones, 3, 3, 2, Same)
	for i, w := range want {
		if dw.Data[i] != w {
			t.Fatalf("depthwise output %v, want %v", dw.Data, want)
		}
	}
	if v := Conv2D(x, ones, 3, 3, 1, nil, 1, Valid); v.H != 2 || v.W != 2 || v.Data[0] != 54 {
		t.Fatalf("valid conv: %dx%d %v", v.H, v.W, v.Data)
	}
}

// naiveConv is a direct transcription of the convolution sum with explicit
// zero padding before the input.
func naiveConv(x *Tensor, f []float32, k, cout int, bias []float32, stride, padTop, padLeft, oh, ow int) *Tensor {
	out := NewTensor(oh, ow, cout)
	for oy := range oh {
		for ox := range ow {
			for oc := range cout {
				s := float64(bias[oc])
				for ky := range k {
					for kx := range k {
						iy, ix := oy*stride+ky-padTop, ox*stride+kx-padLeft
						if iy < 0 || ix < 0 || iy >= x.H || ix >= x.W {
							continue
						}
						for ic := range x.C {
							s += float64(x.Data[(iy*x.W+ix)*x.C+ic]) * float64(f[((ky*k+kx)*x.C+ic)*cout+oc])
						}
					}
				}
				out.Data[(oy*ow+ox)*cout+oc] = float32(s)
			}
		}
	}
	return out
}

func randTensor(r *rand.Rand, h, w, c int) *Tensor {
	t := NewTensor(h, w, c)
	for i := range t.Data {
		t.Data[i] = float32(r.NormFloat64())
	}
	return t
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

func TestConvMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		h, w, cin, cout, k, stride int
		pad                        Padding
		oh, ow, pt, pl             int
	}{
		{7, 9, 3, 5, 3, 1, Same, 7, 9, 1, 1},
		{7, 8, 4, 6, 3, 2, Same, 4, 4, 1, 0},
		{8, 8, 2, 3, 3, 2, Same, 4, 4, 0, 0},
		{11, 10, 3, 4, 7, 2, Valid, 3, 2, 0, 0},
		{6, 5, 5, 7, 1, 1, Valid, 6, 5, 0, 0},
	} {
		x := randTensor(r, c.h, c.w, c.cin)
		f := randSlice(r, c.k*c.k*c.cin*c.cout)
		b := randSlice(r, c.cout)
		got := Conv2D(x, f, c.k, c.k, c.cout, b, c.stride, c.pad)
		want := naiveConv(x, f, c.k, c.cout, b, c.stride, c.pt, c.pl, c.oh, c.ow)
		if got.H != want.H || got.W != want.W || got.C != want.C {
			t.Fatalf("%+v: shape %dx%dx%d, want %dx%dx%d", c, got.H, got.W, got.C, want.H, want.W, want.C)
		}
		for i := range got.Data {
			if math.Abs(float64(got.Data[i]-want.Data[i])) > 1e-4 {
				t.Fatalf("%+v: element %d is %v, want %v", c, i, got.Data[i], want.Data[i])
			}
		}
	}
}

// A separable conv is a conv whose filter is the depthwise filter times the
// pointwise one.
func TestSeparableMatchesConv(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const cin, cout = 5, 6
	x := randTensor(r, 9, 7, cin)
	sc := &sepConv{depthwise: randSlice(r, 9*cin), pointwise: randSlice(r, cin*cout), bias: randSlice(r, cout), cout: cout}
	full := make([]float32, 9*cin*cout)
	for k := range 9 {
		for ic := range cin {
			for oc := range cout {
				full[(k*cin+ic)*cout+oc] = sc.depthwise[k*cin+ic] * sc.pointwise[ic*cout+oc]
			}
		}
	}
	for _, stride := range []int{1, 2} {
		got := SeparableConv2D(x, sc, stride, Same)
		want := Conv2D(x, full, 3, 3, cout, sc.bias, stride, Same)
		for i := range got.Data {
			if math.Abs(float64(got.Data[i]-want.Data[i])) > 1e-4 {
				t.Fatalf("stride %d: element %d is %v, want %v", stride, i, got.Data[i], want.Data[i])
			}
		}
	}
}

// 'same' max pooling must ignore the padding rather than treat it as zero.
func TestMaxPoolSameIgnoresPadding(t *testing.T) {
	x := NewTensor(3, 3, 1)
	for i := range x.Data {
		x.Data[i] = -float32(i + 1)
	}
	out := MaxPool(x, 2, 2, Same)
	want := []float32{-1, -3, -7, -9}
	for i, w := range want {
		if out.Data[i] != w {
			t.Fatalf("got %v, want %v", out.Data, want)
		}
	}
	s1 := MaxPool(x, 2, 1, Same)
	if s1.H != 3 || s1.W != 3 || s1.Data[8] != -9 || s1.Data[0] != -1 {
		t.Fatalf("stride-1 pool: %dx%d %v", s1.H, s1.W, s1.Data)
	}
	avg := AvgPool(seq(4, 4, 1), 2, 2)
	if want := []float32{3.5, 5.5, 11.5, 13.5}; avg.Data[0] != want[0] || avg.Data[3] != want[3] {
		t.Fatalf("avg pool %v, want %v", avg.Data, want)
	}
}

func TestParseWeights(t *testing.T) {
	manifest := `[{"paths":["a.bin"],"weights":[
		{"name":"q","shape":[2,2],"dtype":"float32","quantization":{"dtype":"uint8","scale":0.5,"min":-1}},
		{"name":"f","shape":[1],"dtype":"float32"}]}]`
	bin := []byte{0, 1, 2, 255, 0, 0, 0xc0, 0x3f} // then float32 1.5
	w, err := ParseWeights([]byte(manifest), bin)
	if err != nil {
		t.Fatal(err)
	}
	q, err := w.Tensor("q", 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float32{-1, -0.5, 0, 126.5}; q[0] != want[0] || q[1] != want[1] || q[2] != want[2] || q[3] != want[3] {
		t.Errorf("dequantized %v, want %v", q, want)
	}
	if f, _ := w.Tensor("f", 1); len(f) != 1 || f[0] != 1.5 {
		t.Errorf("float tensor %v, want [1.5]", f)
	}
	if _, err := w.Tensor("q", 4); err == nil || !strings.Contains(err.Error(), "shape") {
		t.Errorf("wrong shape accepted: %v", err)
	}
	if _, err := w.Tensor("nope"); err == nil {
		t.Error("missing tensor found")
	}
	if _, err := ParseWeights([]byte(manifest), bin[:7]); err == nil {
		t.Error("short shard accepted")
	}
	if _, err := ParseWeights([]byte(manifest), append(bin, 0)); err == nil {
		t.Error("shard with trailing bytes accepted")
	}
	// A network must use every tensor, or it and the weights disagree.
	l := newLoader(w)
	l.get("q", 2, 2)
	if err := l.done(); err == nil || !strings.Contains(err.Error(), `"f"`) {
		t.Errorf("unused tensor not reported: %v", err)
	}
}
