package imageintake_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/rampart-id/rampart/quality"
	"github.com/rampart-id/rampart/quality/qualitytest"
	"github.com/rampart-id/rampart/server/imageintake"
)

// allocated is how many bytes f allocates (TotalAlloc only grows, so a GC in
// between does not hide anything).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pngChunked is a PNG with the given IHDR fields and one IDAT chunk of idat
// bytes: only lengths matter to the structure walk, so the data is junk.
func pngChunked(w, h uint32, depth, colour byte, idat int) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, depth, colour, 0, 0, 0)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", make([]byte, idat))...)
	return append(out, chunk("IEND", nil)...)
}

// interlacedGrayPNG is an 8-bit greyscale Adam7-interlaced PNG (the stdlib
// encoder writes no interlaced files): each pass's rows, filter byte 0.
func interlacedGrayPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	passes := []struct{ x0, y0, dx, dy int }{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}
	var raw bytes.Buffer
	for _, p := range passes {
		for y := p.y0; y < h; y += p.dy {
			if p.x0 >= w {
				break
			}
			raw.WriteByte(0)
			for x := p.x0; x < w; x += p.dx {
				raw.WriteByte(byte(x*3 + y*5))
			}
		}
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	if _, err := zw.Write(raw.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, 8, 0, 0, 0, 1) // depth 8, grey, Adam7
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", z.Bytes())...)
	return append(out, chunk("IEND", nil)...)
}

// emptyScansJPEG is a valid greyscale progressive JPEG of side x side pixels:
// a DC scan, then AC scans that each skip every block with end-of-band runs.
// Each of those scans is a few bytes yet makes the decoder visit every block:
// the many-scans attack.
func emptyScansJPEG(side, scans int) []byte {
	seg := func(marker byte, body ...byte) []byte {
		out := binary.BigEndian.AppendUint16([]byte{0xff, marker}, uint16(len(body)+2))
		return append(out, body...)
	}
	oneCode := append([]byte{1}, make([]byte, 15)...) // one Huffman code, "0"
	frame := binary.BigEndian.AppendUint16([]byte{8}, uint16(side))
	frame = binary.BigEndian.AppendUint16(frame, uint16(side))
	out := []byte{0xff, 0xd8}
	out = append(out, seg(0xdb, append([]byte{0}, bytes.Repeat([]byte{1}, 64)...)...)...)
	out = append(out, seg(0xc2, append(frame, 1, 1, 0x11, 0)...)...)
	out = append(out, seg(0xc4, append(append([]byte{0x00}, oneCode...), 0x00)...)...) // DC: "0" is a zero difference
	out = append(out, seg(0xc4, append(append([]byte{0x10}, oneCode...), 0xe0)...)...) // AC: "0" is an EOB run of 2^14 + 14 bits
	blocks := (side + 7) / 8 * ((side + 7) / 8)
	out = append(out, seg(0xda, 1, 1, 0x00, 0, 0, 0)...)
	out = append(out, make([]byte, (blocks+7)/8)...) // one 0 bit per block
	for range scans - 1 {
		out = append(out, seg(0xda, 1, 1, 0x00, 1, 63, 0)...)
		out = append(out, 0x7f, 0xfe, 0xff, 0x00, 0xff, 0x00) // two runs of 32767 blocks, padded with 1s
	}
	return append(out, 0xff, 0xd9)
}

// repeatFirstScan duplicates a JPEG's first scan (header and data) extra
// times: the stdlib decoder accepts the result and makes one full pass over
// the blocks per scan, which is how thousands of scans burn CPU.
func repeatFirstScan(t testing.TB, data []byte, extra int) []byte {
	t.Helper()
	i := bytes.Index(data, []byte{0xff, 0xda})
	if i < 0 {
		t.Fatal("no scan")
	}
	end := i + 2 + int(binary.BigEndian.Uint16(data[i+2:]))
	for ; end+1 < len(data); end++ {
		if next := data[end+1]; data[end] == 0xff && next != 0 && (next < 0xd0 || next > 0xd7) {
			break
		}
	}
	out := bytes.Clone(data[:end])
	for range extra {
		out = append(out, data[i:end]...)
	}
	return append(out, data[end:]...)
}

// The pen-tested 16-bit RGBA 5000x5000 PNG (about 200 KB, 200 MB decoded) is
// under the pixel limit but over the decode-memory budget: refused from its
// header, without allocating the image.
func TestSixteenBitPNGRefusedBeforeDecoding(t *testing.T) {
	attack := pngChunked(5000, 5000, 16, 6, 200_000)
	lim := imageintake.Limits{MaxPixels: 25_000_000}
	var err error
	n := allocated(func() { _, _, err = imageintake.Decode(context.Background(), attack, lim) })
	if !errors.Is(err, imageintake.ErrTooLarge) || !strings.Contains(err.Error(), "MiB") {
		t.Fatalf("err = %v, want ErrTooLarge naming the memory needed", err)
	}
	if n > 1<<20 {
		t.Errorf("refusal allocated %d bytes", n)
	}
	// The same header at 8 bits per channel needs 100 MB: within budget.
	info, err := imageintake.Inspect(pngChunked(5000, 5000, 8, 6, 200_000), lim)
	if err != nil || info.DecodeBytes < 100_000_000 {
		t.Errorf("8-bit RGBA 5000x5000: %+v, %v", info, err)
	}
}

// Tiny files that declare big images are refused before the decoder
// allocates what they declare: the data cannot hold it.
func TestStarvedImagesRefusedWithoutAllocating(t *testing.T) {
	baseline := encodeJPEG(t, qualitytest.Document(8, 640, 400))
	for name, data := range map[string][]byte{
		"png 4000x4000 in 200 bytes":     pngHeader(4000, 4000),
		"png 4000x4000 in 40 KB":         pngChunked(4000, 4000, 8, 2, 40_000), // needs 46.5 KB even at deflate's best
		"jpeg 640x400 data as 4000x3000": patchJPEGSize(t, baseline, 4000, 3000),
	} {
		t.Run(name, func(t *testing.T) {
			var err error
			n := allocated(func() { _, _, err = imageintake.Decode(context.Background(), data, imageintake.DefaultLimits) })
			if !errors.Is(err, imageintake.ErrCorrupt) || !strings.Contains(err.Error(), "too few") {
				t.Fatalf("err = %v, want ErrCorrupt: too few bytes", err)
			}
			if n > 1<<20 {
				t.Errorf("refusal allocated %d bytes", n)
			}
		})
	}
}

// The pen-tested attack: thousands of scans that each cost a pass over 62,500
// blocks and six bytes of file.
func TestEmptyScansRefused(t *testing.T) {
	if _, _, err := imageintake.Decode(context.Background(), emptyScansJPEG(2000, 30), imageintake.DefaultLimits); err != nil {
		t.Fatalf("30 scans: %v", err)
	}
	attack := emptyScansJPEG(2000, 2000)
	var err error
	n := allocated(func() { _, _, err = imageintake.Decode(context.Background(), attack, imageintake.DefaultLimits) })
	if !errors.Is(err, imageintake.ErrTooComplex) {
		t.Fatalf("2000 scans: err = %v, want ErrTooComplex", err)
	}
	if n > 1<<20 {
		t.Errorf("refusal allocated %d bytes", n)
	}
}

func TestProgressiveScanCap(t *testing.T) {
	prog := readTestdata(t, "progressive.jpg")
	info, err := imageintake.Inspect(prog, imageintake.Limits{MinSide: 16})
	if err != nil || !info.Progressive || info.Scans != 10 {
		t.Fatalf("cjpeg -progressive: %+v, %v", info, err)
	}
	// 30 scans is odd but allowed, and decodes.
	if _, _, err := imageintake.Decode(context.Background(), repeatFirstScan(t, prog, 20), imageintake.Limits{MinSide: 16}); err != nil {
		t.Fatalf("30 scans: %v", err)
	}
	attack := repeatFirstScan(t, prog, 1990)
	var errDecode error
	n := allocated(func() {
		_, _, errDecode = imageintake.Decode(context.Background(), attack, imageintake.Limits{MinSide: 16})
	})
	if !errors.Is(errDecode, imageintake.ErrTooComplex) || !strings.Contains(errDecode.Error(), "more than 32 JPEG scans") {
		t.Fatalf("2000 scans: err = %v, want ErrTooComplex", errDecode)
	}
	if n > 1<<20 {
		t.Errorf("refusal allocated %d bytes", n)
	}
}

// A sequential JPEG decodes every scan in full, so a component may appear in
// one scan only (as the standard says): one scan per component is fine, a
// repeated scan is refused.
func TestSequentialScansOncePerComponent(t *testing.T) {
	lim := imageintake.Limits{MinSide: 16}
	three := readTestdata(t, "sequential-3-scans.jpg") // cjpeg -scans: Y, Cb, Cr apart
	if info, err := imageintake.Inspect(three, lim); err != nil || info.Scans != 3 || info.Progressive {
		t.Fatalf("3-scan sequential JPEG: %+v, %v", info, err)
	}
	if _, _, err := imageintake.Decode(context.Background(), three, lim); err != nil {
		t.Fatal(err)
	}
	repeated := repeatFirstScan(t, encodeJPEG(t, qualitytest.Document(16, 640, 400)), 5)
	if _, err := jpeg.Decode(bytes.NewReader(repeated)); err != nil {
		t.Fatalf("the stdlib decoder should accept (and pay for) the repeated scans: %v", err)
	}
	if _, err := imageintake.Inspect(repeated, lim); !errors.Is(err, imageintake.ErrCorrupt) || !strings.Contains(err.Error(), "more than one sequential scan") {
		t.Errorf("repeated sequential scan: err = %v", err)
	}
}

// DecodeBytes is what the budget is checked against, so it must not be lower
// than what decoding really allocates, for every kind of image the decoders
// build differently.
func TestDecodeBytesBoundsRealAllocation(t *testing.T) {
	doc := qualitytest.Document(9, 640, 400)
	gray := image.NewGray(doc.Bounds())
	wide := image.NewNRGBA64(doc.Bounds())
	gray16 := image.NewGray16(doc.Bounds())
	pal := image.NewPaletted(doc.Bounds(), color.Palette{color.Black, color.White, color.RGBA{200, 30, 30, 255}})
	for y := range 400 {
		for x := range 640 {
			c := doc.RGBAAt(x, y)
			gray.SetGray(x, y, color.Gray{c.G})
			wide.SetNRGBA64(x, y, color.NRGBA64{uint16(c.R) * 257, uint16(c.G) * 250, uint16(c.B) * 255, uint16(x * 100)})
			gray16.SetGray16(x, y, color.Gray16{uint16(c.G)*256 + uint16(x)})
			pal.SetColorIndex(x, y, uint8((x/7+y/5)%3))
		}
	}
	lim := imageintake.Limits{MinSide: 16}
	for name, data := range map[string][]byte{
		"jpeg 4:2:0":            encodeJPEG(t, doc),
		"jpeg gray":             encodeJPEG(t, gray),
		"jpeg progressive":      readTestdata(t, "progressive.jpg"),
		"jpeg progressive 444":  readTestdata(t, "progressive444.jpg"),
		"jpeg progressive gray": readTestdata(t, "progressive-gray.jpg"),
		"png rgb":               encodePNG(t, doc),
		"png rgba 16-bit":       encodePNG(t, wide),
		"png gray 16-bit":       encodePNG(t, gray16),
		"png palette":           encodePNG(t, pal),
		"png interlaced":        interlacedGrayPNG(t, 640, 400),
	} {
		t.Run(name, func(t *testing.T) {
			info, err := imageintake.Inspect(data, lim)
			if err != nil {
				t.Fatal(err)
			}
			n := allocated(func() { _, _, err = imageintake.Decode(context.Background(), data, lim) })
			if err != nil {
				t.Fatal(err)
			}
			// Decoder state (Huffman tables, zlib window, buffers) comes on
			// top, and zlib builds fresh Huffman tables for every deflate
			// block: short-lived garbage, in proportion to the file's size.
			if n > uint64(info.DecodeBytes)+256<<10+uint64(len(data))/2 {
				t.Errorf("decoding allocated %d bytes, DecodeBytes says %d", n, info.DecodeBytes)
			}
		})
	}
}

// The limit is the budget of a phone photo: 12 MP baseline and progressive
// 4:2:0 JPEGs fit, and so does a 16-bit 12 MP PNG.
func TestDefaultBudgetAdmitsPhonePhotos(t *testing.T) {
	baseline := encodeJPEG(t, qualitytest.Document(10, 640, 400))
	info, err := imageintake.Inspect(patchJPEGSize(t, baseline, 4000, 3000), imageintake.DefaultLimits)
	// The patched file is starved of data, which is checked last: reaching
	// that check means dimensions and budget passed.
	if !errors.Is(err, imageintake.ErrCorrupt) || !strings.Contains(err.Error(), "too few") {
		t.Fatalf("12 MP baseline: %+v %v", info, err)
	}
	if _, err := imageintake.Inspect(pngChunked(4000, 3000, 16, 2, 200_000), imageintake.DefaultLimits); err != nil {
		t.Errorf("12 MP 16-bit RGB PNG: %v", err)
	}
	if _, err := imageintake.Inspect(pngChunked(4000, 3000, 16, 6, 200_000), imageintake.Limits{MaxDecodeBytes: 90 << 20}); !errors.Is(err, imageintake.ErrTooLarge) {
		t.Errorf("custom budget: %v", err)
	}
}

// A decode whose context ends stops at its next read: no image, the
// context's error, and no further reads.
func TestDecodeStopsWhenContextEnds(t *testing.T) {
	doc := qualitytest.Document(11, 1600, 1000)
	for name, data := range map[string][]byte{
		"jpeg": encodeJPEG(t, doc),
		"png":  encodePNG(t, doc),
	} {
		t.Run(name, func(t *testing.T) {
			// Uncancelled, the decode needs many reads.
			full := &countingCtx{Context: context.Background(), cancelAt: -1}
			if _, _, err := imageintake.Decode(full, data, imageintake.DefaultLimits); err != nil {
				t.Fatal(err)
			}
			if full.calls < 20 {
				t.Fatalf("decode read only %d times: the test would prove nothing", full.calls)
			}
			ctx := &countingCtx{Context: context.Background(), cancelAt: 3}
			img, _, err := imageintake.Decode(ctx, data, imageintake.DefaultLimits)
			if !errors.Is(err, context.Canceled) || img != nil {
				t.Fatalf("err = %v, img = %v, want context.Canceled and no image", err, img != nil)
			}
			// One read sees the cancellation, then one last check of ctx.
			if ctx.calls > ctx.cancelAt+2 {
				t.Errorf("%d context checks after cancelling at %d: the decoder kept reading", ctx.calls, ctx.cancelAt)
			}
		})
	}
	if _, _, err := imageintake.Decode(cancelled(), encodeJPEG(t, doc), imageintake.DefaultLimits); !errors.Is(err, context.Canceled) {
		t.Errorf("already cancelled: %v", err)
	}
}

// countingCtx is cancelled at its cancelAt-th Err call; the decoder's reader
// calls Err before every read, so calls counts reads.
type countingCtx struct {
	context.Context
	cancelAt, calls int
	done            chan struct{}
}

func (c *countingCtx) Err() error {
	c.calls++
	if c.cancelAt >= 0 && c.calls >= c.cancelAt {
		return context.Canceled
	}
	return nil
}

func (c *countingCtx) Done() <-chan struct{} {
	if c.done == nil {
		c.done = make(chan struct{})
	}
	return c.done
}

func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

func TestDecodeSlots(t *testing.T) {
	defer imageintake.SetMaxConcurrentDecodes(imageintake.MaxConcurrentDecodes())
	imageintake.SetMaxConcurrentDecodes(2)
	data := encodeJPEG(t, qualitytest.Document(12, 640, 400))
	lim := imageintake.Limits{QueueWait: 1} // 1 ns: refuse as soon as all slots are taken

	// Two uploads hold the slots while they work on their images.
	hold, held := make(chan struct{}), make(chan struct{}, 2)
	results := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := imageintake.WithDecoded(context.Background(), data, lim, func(image.Image, imageintake.Info) error {
				held <- struct{}{}
				<-hold
				return nil
			})
			results <- err
		}()
	}
	<-held
	<-held

	if _, _, err := imageintake.Decode(context.Background(), data, lim); !errors.Is(err, imageintake.ErrBusy) {
		t.Errorf("third decode: err = %v, want ErrBusy", err)
	}
	// A cheap refusal does not need a slot.
	if _, _, err := imageintake.Decode(context.Background(), pngHeader(100_000, 100_000), lim); !errors.Is(err, imageintake.ErrDimensions) {
		t.Errorf("bomb while busy: err = %v, want ErrDimensions", err)
	}
	// A caller that waits for a slot gives up with its context...
	if _, _, err := imageintake.Decode(cancelled(), data, imageintake.Limits{QueueWait: imageintake.WaitForSlot}); !errors.Is(err, context.Canceled) {
		t.Errorf("waiting, cancelled: err = %v, want context.Canceled", err)
	}
	// ...or gets the slot once one frees up.
	waited := make(chan error, 1)
	go func() {
		_, _, err := imageintake.Decode(context.Background(), data, imageintake.Limits{QueueWait: imageintake.WaitForSlot})
		waited <- err
	}()
	close(hold)
	for range 2 {
		if err := <-results; err != nil {
			t.Errorf("holder: %v", err)
		}
	}
	if err := <-waited; err != nil {
		t.Errorf("waiting decode: %v", err)
	}
	if _, _, err := imageintake.Decode(context.Background(), data, lim); err != nil {
		t.Errorf("after release: %v", err)
	}
}

// Re-encoding keeps the pixels and drops everything else the upload carried.
func TestReencodeStripsMetadataAndTrailer(t *testing.T) {
	orig := encodeJPEG(t, qualitytest.Document(13, 640, 400))
	exif := append([]byte("Exif\x00\x00MM\x00\x2a"), []byte("GPSLatitude 48.8584 N GPSLongitude 2.2945 E")...)
	app1 := binary.BigEndian.AppendUint16([]byte{0xff, 0xe1}, uint16(len(exif)+2))
	trailer := []byte("PK\x03\x04 a zip archive appended to make a polyglot")
	upload := append(append(append([]byte{0xff, 0xd8}, app1...), exif...), orig[2:]...)
	upload = append(upload, trailer...)

	var stored []byte
	info, err := imageintake.WithDecoded(context.Background(), upload, imageintake.DefaultLimits, func(img image.Image, _ imageintake.Info) error {
		var err error
		stored, err = imageintake.Reencode(img)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if info.Trailing != len(trailer) {
		t.Errorf("Trailing = %d, want %d", info.Trailing, len(trailer))
	}
	for _, s := range []string{"Exif", "GPS", "PK\x03\x04", "polyglot"} {
		if bytes.Contains(stored, []byte(s)) {
			t.Errorf("stored image still contains %q", s)
		}
	}
	if !bytes.HasSuffix(stored, []byte{0xff, 0xd9}) {
		t.Error("stored image does not end at its EOI")
	}
	if bytes.Contains(stored, []byte{0xff, 0xe1}) || bytes.Contains(stored, []byte{0xff, 0xe0}) {
		t.Error("stored image has an APP segment")
	}
	again, err := imageintake.Inspect(stored, imageintake.DefaultLimits)
	if err != nil || again.Progressive || again.Scans != 1 || again.Trailing != 0 || again.Width != 640 || again.Height != 400 {
		t.Errorf("stored image: %+v, %v", again, err)
	}
}

// Documents are stored re-encoded and checked again by the verification
// worker: the quality verdicts must survive the round trip.
func TestReencodeKeepsQualityVerdicts(t *testing.T) {
	doc := qualitytest.Document(14, 1600, 1000)
	for name, img := range map[string]image.Image{
		"sharp":  doc,
		"blur 1": qualitytest.Blur(doc, 1),
		"blur 2": qualitytest.Blur(doc, 2),
		"blur 3": qualitytest.Blur(doc, 3),
		"dark":   qualitytest.Darken(doc, 0.3),
		"glare":  qualitytest.AddGlare(doc, 300),
	} {
		t.Run(name, func(t *testing.T) {
			before := assess(img)
			stored, err := imageintake.Reencode(img)
			if err != nil {
				t.Fatal(err)
			}
			decoded, _, err := imageintake.Decode(context.Background(), stored, imageintake.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if after := assess(decoded); after != before {
				t.Errorf("verdicts changed by re-encoding: %s -> %s", before, after)
			}
		})
	}
}

// assess is the pass/fail verdict of every quality check, as a comparable string.
func assess(img image.Image) string {
	var s []string
	for _, c := range quality.Assess(img).Checks {
		s = append(s, fmt.Sprintf("%s=%v", c.Name, c.Passed))
	}
	return strings.Join(s, ",")
}

func TestReencodeIsPlainBaselineJPEG(t *testing.T) {
	src := readTestdata(t, "progressive.jpg")
	img, _, err := imageintake.Decode(context.Background(), src, imageintake.Limits{MinSide: 16})
	if err != nil {
		t.Fatal(err)
	}
	out, err := imageintake.Reencode(img)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
		t.Fatal(err)
	}
	if i := bytes.Index(out, []byte{0xff, 0xc0}); i < 0 || bytes.Contains(out, []byte{0xff, 0xc2}) {
		t.Error("re-encoded image is not baseline")
	}
}
