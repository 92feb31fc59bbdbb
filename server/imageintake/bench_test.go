package imageintake_test

import (
	"context"
	"testing"

	"github.com/rampart-id/rampart/quality/qualitytest"
	"github.com/rampart-id/rampart/server/imageintake"
)

// BenchmarkRefuse is the cost of turning the pen-tested files away: it must
// stay a walk over the bytes, whatever size the header declares.
func BenchmarkRefuse(b *testing.B) {
	prog := readTestdata(b, "progressive.jpg")
	for name, data := range map[string][]byte{
		"png-16bit-rgba-5000x5000": pngChunked(5000, 5000, 16, 6, 200_000),
		"png-4000x4000-no-data":    pngHeader(4000, 4000),
		"jpeg-2000-scans":          repeatFirstScan(b, prog, 1990),
		"jpeg-2000-empty-scans":    emptyScansJPEG(2000, 2000),
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := imageintake.Decode(context.Background(), data, imageintake.Limits{MinSide: 16}); err == nil {
					b.Fatal("accepted")
				}
			}
		})
	}
}

// BenchmarkIntakePhoto is decoding and re-encoding a 12 MP phone photo, the
// largest upload the defaults are chosen for; its time sizes QueueWait.
func BenchmarkIntakePhoto(b *testing.B) {
	data := encodeJPEG(b, qualitytest.Resize(qualitytest.Document(15, 1000, 750), 4000, 3000))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		img, _, err := imageintake.Decode(context.Background(), data, imageintake.DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := imageintake.Reencode(img); err != nil {
			b.Fatal(err)
		}
	}
}
