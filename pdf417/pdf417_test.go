package pdf417

import (
	"errors"
	"image"
	"image/color"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/boombuler/barcode"
	bpdf "github.com/boombuler/barcode/pdf417"

	"github.com/rampart-id/rampart/aamva"
)

func licenceRecord() string {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	return string(aamva.Encode(aamva.Licence{Kind: "DL", State: "CA", Number: "D1234567", Surname: "SAMPLE",
		GivenNames: "JANE QUINN", BirthDate: day(1981, 3, 5), ExpiryDate: day(2030, 7, 1), IssueDate: day(2022, 7, 1), Sex: "F"}))
}

// testMessages cover the three compaction modes and the switches between them.
func testMessages() []string {
	var bin []byte
	for i := 0; i < 50; i++ {
		bin = append(bin, byte(i*37+11)%128)
	}
	return []string{
		"A",
		"Hello, PDF417! 1234567890123456 the quick brown fox",
		"01234567890123456789012345678901234567890123456789", // numeric compaction
		"UPPER lower MiXeD 3.14 #tag @user [x] {y} ~z~ 'q' \"Q\" a|b\tc",
		strings.Repeat("The quick brown fox jumps over the lazy dog. ", 6),
		string(bin), // byte compaction (control characters force it)
		"\x01\x02\x03\x04\x05\x06",
		"ab\x00cd",
		"PART1 1234567890123456789 PART2 \x7f\x01 END",
		licenceRecord(),
	}
}

func TestRoundTripMessages(t *testing.T) {
	for i, msg := range testMessages() {
		for _, level := range []byte{1, 3, 5} {
			img := render(t, msg, level, scene{blur: 1, seed: uint64(i)})
			got, err := Decode(img)
			if err != nil || string(got) != msg {
				t.Errorf("message %d level %d: Decode = %q, %v; want %q", i, level, got, err, msg)
			}
		}
	}
}

// An upright symbol scaled up by the encoder library itself, on a larger background.
func TestScaledByEncoder(t *testing.T) {
	msg := licenceRecord()
	bc, err := bpdf.Encode(msg, 4)
	if err != nil {
		t.Fatal(err)
	}
	b := bc.Bounds()
	bc, err = barcode.Scale(bc, b.Dx()*3, b.Dy()*3)
	if err != nil {
		t.Fatal(err)
	}
	b = bc.Bounds()
	img := image.NewGray(image.Rect(0, 0, b.Dx()+200, b.Dy()+160))
	for i := range img.Pix {
		img.Pix[i] = 230
	}
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			if r, _, _, _ := bc.At(x, y).RGBA(); r < 0x8000 {
				img.Pix[(y+80)*img.Stride+x+100] = 20
			}
		}
	}
	got, err := Decode(img)
	if err != nil || string(got) != msg {
		t.Fatalf("Decode = %q, %v", got, err)
	}
}

// Decode reads the pixels of a sub-image, not of the image it was cut from, whatever
// its pixel format.
func TestSubImagesAndFormats(t *testing.T) {
	msg := licenceRecord()
	gray := render(t, msg, 3, scene{blur: 1, angle: 2}).(*image.Gray)
	b := gray.Bounds()
	rgba := image.NewRGBA(b)
	nrgba := image.NewNRGBA(b)
	ycc := image.NewYCbCr(b, image.YCbCrSubsampleRatio420)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			v := gray.GrayAt(x, y).Y
			rgba.SetRGBA(x, y, color.RGBA{v, v, v, 255})
			nrgba.SetNRGBA(x, y, color.NRGBA{v, v, v, 255})
			ycc.Y[ycc.YOffset(x, y)] = v
		}
	}
	// A window offset from the origin that still holds the whole symbol.
	win := image.Rect(60, 50, b.Max.X-40, b.Max.Y-30)
	type sub interface {
		SubImage(image.Rectangle) image.Image
	}
	for name, img := range map[string]sub{"gray": gray, "rgba": rgba, "nrgba": nrgba, "ycbcr": ycc} {
		for _, im := range []image.Image{img.(image.Image), img.SubImage(win)} {
			if got, err := Decode(im); err != nil || string(got) != msg {
				t.Errorf("%s %v: Decode = %q, %v", name, im.Bounds(), got, err)
			}
		}
	}
	// A window that cuts the symbol in half must not yield a message.
	if got, err := Decode(gray.SubImage(image.Rect(0, 0, b.Dx()/2, b.Dy()))); err == nil {
		t.Errorf("half a symbol decoded to %q", got)
	}
}

// distortions are the photo conditions the reader must handle.
var distortions = []struct {
	name string
	sc   scene
	min  float64 // minimum decode rate over the trials
}{
	{"rotated +8°", scene{angle: 8, blur: 1}, 1},
	{"rotated -8°", scene{angle: -8, blur: 1}, 1},
	{"rotated 10°", scene{angle: 10, blur: 1}, 1},
	{"perspective", scene{persp: 0.04, angle: 3, blur: 1}, 1},
	{"blur", scene{blur: 4, width: 0.9}, 1},
	{"noise", scene{noise: 12, blur: 1}, 1},
	{"uneven light", scene{uneven: true, blur: 1}, 1},
	{"jpeg 70", scene{jpeg: 70, blur: 1}, 1},
	{"small modules", scene{w: 1600, h: 1000, width: 0.3, angle: 3, blur: 1, noise: 4}, 1},
	{"low contrast", scene{ink: 150, angle: -4, blur: 1, noise: 3}, 1},
	{"close-up", scene{w: 1600, h: 1000, width: 0.95, angle: 3, blur: 2}, 1},
	{"printed text around", scene{clutter: true, width: 0.6, angle: -3, blur: 1}, 1},
	{"upside down", scene{angle: 176, blur: 1}, 1},
	{"thin rows", scene{rowHeight: 2, blur: 1, angle: 2}, 1},
	{"all at once", scene{angle: -6, persp: 0.03, blur: 2, noise: 8, uneven: true, jpeg: 70, width: 0.85}, 0.8},
}

func TestDistortions(t *testing.T) {
	msgs := testMessages()
	for _, d := range distortions {
		t.Run(d.name, func(t *testing.T) {
			ok, trials := 0, 0
			for seed := uint64(0); seed < 6; seed++ {
				msg := msgs[(int(seed)*3+1)%len(msgs)]
				if seed%2 == 0 {
					msg = licenceRecord()
				}
				sc := d.sc
				sc.seed = seed
				if sc.angle != 0 && seed%3 == 1 {
					sc.angle = -sc.angle
				}
				got, err := Decode(render(t, msg, 3, sc))
				trials++
				switch {
				case err == nil && string(got) != msg:
					t.Fatalf("seed %d: wrong message %q", seed, got)
				case err == nil:
					ok++
				default:
					t.Logf("seed %d: %v", seed, err)
				}
			}
			rate := float64(ok) / float64(trials)
			t.Logf("%s: decoded %d of %d", d.name, ok, trials)
			if rate < d.min {
				t.Errorf("%s: decoded %d of %d, want at least %.0f%%", d.name, ok, trials, 100*d.min)
			}
		})
	}
}

func TestDamagedCodewordsCorrected(t *testing.T) {
	msg := licenceRecord()
	hit := map[[2]int]bool{{2, 1}: true, {5, 3}: true, {9, 0}: true, {12, 6}: true, {3, 4}: true}
	img := render(t, msg, 4, scene{blur: 1, damage: func(r, c int) bool { return hit[[2]int{r, c}] }})
	got, err := Decode(img)
	if err != nil || string(got) != msg {
		t.Fatalf("Decode = %q, %v", got, err)
	}
}

func TestHeavyDamageIsChecksumError(t *testing.T) {
	msg := licenceRecord()
	img := render(t, msg, 2, scene{blur: 1, damage: func(r, c int) bool { return c >= 1 && (r+c)%3 != 0 }})
	got, err := Decode(img)
	if !errors.Is(err, ErrChecksum) {
		t.Fatalf("Decode = %q, %v; want ErrChecksum", got, err)
	}
}

func TestNothingToFind(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	blank := image.NewGray(image.Rect(0, 0, 640, 480))
	for i := range blank.Pix {
		blank.Pix[i] = 200
	}
	noise := func() *image.Gray {
		img := image.NewGray(image.Rect(0, 0, 640+rng.IntN(400), 480+rng.IntN(300)))
		for i := range img.Pix {
			img.Pix[i] = uint8(rng.IntN(256))
		}
		return img
	}
	// Vertical stripes of random widths look like bars everywhere.
	stripes := image.NewGray(image.Rect(0, 0, 640, 480))
	x := 0
	for dark := true; x < 640; dark = !dark {
		w := 2 + rng.IntN(20)
		for ; w > 0 && x < 640; w, x = w-1, x+1 {
			for y := 0; y < 480; y++ {
				if dark {
					stripes.Pix[y*640+x] = 30
				} else {
					stripes.Pix[y*640+x] = 220
				}
			}
		}
	}
	for name, img := range map[string]image.Image{"blank": blank, "noise 1": noise(), "noise 2": noise(), "noise 3": noise(),
		"noise 4": noise(), "stripes": stripes, "empty": image.NewGray(image.Rect(0, 0, 0, 0))} {
		if got, err := Decode(img); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: Decode = %q, %v; want ErrNotFound", name, got, err)
		}
	}
}

// Images of extreme shapes, including ones halved to nothing, must not panic.
func TestOddShapes(t *testing.T) {
	for _, r := range []image.Rectangle{image.Rect(0, 0, 10000, 10), image.Rect(0, 0, 10, 10000),
		image.Rect(0, 0, 5000, 3), image.Rect(0, 0, 41, 5), image.Rect(-5, -5, 60, 60)} {
		img := image.NewGray(r)
		for i := range img.Pix {
			img.Pix[i] = uint8(i * 7)
		}
		if got, err := Decode(img); !errors.Is(err, ErrNotFound) {
			t.Errorf("%v: Decode = %q, %v", r, got, err)
		}
	}
}

func TestMessageModes(t *testing.T) {
	for _, tc := range []struct {
		cw   []int
		want string
	}{
		{[]int{1*30 + 2, 26*30 + 27, 0*30 + 27, 1*30 + 28, 1*30 + 29, 3*30 + 29}, "BC aB1@"}, // latch lower, shift upper, latch mixed, shift punct
		{[]int{28*30 + 25, 10*30 + 29, 0*30 + 1}, "!AB"},                                     // mixed → punct latch, back to upper
		{[]int{cwByteShift, 200, 0*30 + 1}, "\xc8AB"},                                        // byte shift returns to text
		{[]int{cwByte, 65, 66, cwText, 2*30 + 3}, "ABCD"},                                    // 901 with single bytes
		{[]int{cwNumeric, 123, cwText, 0*30 + 29}, "23A"},                                    // numeric: "1" + digits
		{[]int{cwECICharset, 3, 0*30 + 29}, "A"},                                             // ECI skipped
		{[]int{0*30 + 29, cwMacroHeader, 1, 2, 3}, "A"},                                      // macro block ends the data
	} {
		got, err := message(tc.cw)
		if err != nil || string(got) != tc.want {
			t.Errorf("message(%v) = %q, %v; want %q", tc.cw, got, err, tc.want)
		}
	}
	// Six bytes in five codewords after 924.
	v := uint64(0)
	for _, b := range []byte("abcdef") {
		v = v<<8 | uint64(b)
	}
	cw := make([]int, 5)
	for i := 4; i >= 0; i-- {
		cw[i] = int(v % 900)
		v /= 900
	}
	if got, err := message(append([]int{cwByte6}, cw...)); err != nil || string(got) != "abcdef" {
		t.Errorf("924: %q, %v", got, err)
	}
	if _, err := message([]int{cwByte, 300}); err == nil {
		t.Error("byte codeword above 255 accepted")
	}
}

// FuzzDecode feeds arbitrary bytes as a small grey image: Decode must not panic, and
// whatever it accepts passed the error correction check.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{0, 255, 0, 255, 128, 3, 200})
	f.Add(make([]byte, 48*32))
	f.Fuzz(func(t *testing.T, b []byte) {
		const w = 48
		if len(b) > w*32 {
			b = b[:w*32]
		}
		img := image.NewGray(image.Rect(0, 0, min(w, len(b)), len(b)/max(1, min(w, len(b)))))
		copy(img.Pix, b)
		if _, err := Decode(img); err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrChecksum) && !errors.Is(err, ErrFormat) {
			t.Fatalf("unexpected error %v", err)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	img := render(b, licenceRecord(), 3, scene{w: 1600, h: 1000, width: 0.75, angle: 4, persp: 0.02, blur: 1, noise: 6, jpeg: 80})
	if _, err := Decode(img); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Decode(img); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeHard is a photo that needs the dense passes: small modules, tilt,
// perspective, blur, noise and JPEG together.
func BenchmarkDecodeHard(b *testing.B) {
	img := render(b, licenceRecord(), 3, scene{w: 1600, h: 1000, width: 0.4, angle: 9, persp: 0.04, blur: 2, noise: 10, jpeg: 70, uneven: true})
	if _, err := Decode(img); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Decode(img); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeNothing is the cost of a photo without a symbol: every pass runs.
func BenchmarkDecodeNothing(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	img := image.NewGray(image.Rect(0, 0, 1600, 1000))
	for y := 0; y < 1000; y++ {
		for x := 0; x < 1600; x++ {
			// Blotchy texture with some fine grain, like a card's printed background.
			img.Pix[y*1600+x] = uint8(150 + 40*((x/37+y/23)%2) + rng.IntN(20))
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Decode(img); !errors.Is(err, ErrNotFound) {
			b.Fatal(err)
		}
	}
}
