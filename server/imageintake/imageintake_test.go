package imageintake_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"runtime"
	"strings"
	"testing"

	"github.com/rampart-id/rampart/quality/qualitytest"
	"github.com/rampart-id/rampart/server/imageintake"
)

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngHeader is a PNG signature and IHDR chunk (with a correct CRC) declaring
// w x h 8-bit RGB, followed by an empty IDAT and IEND: a few dozen bytes
// that would decode into w*h*4 bytes of memory.
func pngHeader(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // depth 8, truecolour, no interlace
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", nil)...)
	return append(out, chunk("IEND", nil)...)
}

// chunk is one PNG chunk with its length and CRC.
func chunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// patchJPEGSize rewrites the frame header (SOF0) of a baseline JPEG to
// declare w x h.
func patchJPEGSize(t *testing.T, data []byte, w, h uint16) []byte {
	t.Helper()
	out := bytes.Clone(data)
	i := bytes.Index(out, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no SOF0 marker")
	}
	binary.BigEndian.PutUint16(out[i+5:], h)
	binary.BigEndian.PutUint16(out[i+7:], w)
	return out
}

func TestDecodeValidImages(t *testing.T) {
	doc := qualitytest.Document(1, 640, 400)
	for _, tc := range []struct {
		data []byte
		typ  string
	}{{encodeJPEG(t, doc), imageintake.TypeJPEG}, {encodePNG(t, doc), imageintake.TypePNG}} {
		img, info, err := imageintake.Decode(context.Background(), tc.data, imageintake.DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", tc.typ, err)
		}
		want := imageintake.Info{ContentType: tc.typ, Width: 640, Height: 400, DecodeBytes: info.DecodeBytes, Scans: info.Scans}
		if info != want || info.DecodeBytes < 640*400 {
			t.Errorf("info = %+v, want %+v", info, want)
		}
		if img.Bounds().Size() != image.Pt(640, 400) {
			t.Errorf("%s: decoded %v", tc.typ, img.Bounds())
		}
	}
}

func TestRejects(t *testing.T) {
	doc := qualitytest.Document(2, 640, 400)
	jpg := encodeJPEG(t, doc)
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, doc, nil); err != nil {
		t.Fatal(err)
	}
	small := encodePNG(t, qualitytest.Document(2, 200, 150))

	for _, tc := range []struct {
		name   string
		data   []byte
		lim    imageintake.Limits
		want   error
		detail string
	}{
		{"empty", nil, imageintake.Limits{}, imageintake.ErrUnsupportedType, "empty"},
		{"text", []byte("name,passport\nalice,X123\n"), imageintake.Limits{}, imageintake.ErrUnsupportedType, "unrecognised"},
		{"gif", gifBuf.Bytes(), imageintake.Limits{}, imageintake.ErrUnsupportedType, "GIF"},
		{"oversize bytes", jpg, imageintake.Limits{MaxBytes: len(jpg) - 1}, imageintake.ErrTooLarge, "bytes"},
		{"png bomb", pngHeader(100_000, 100_000), imageintake.Limits{}, imageintake.ErrDimensions, "100000x100000"},
		{"png too many pixels", pngHeader(11_000, 11_000), imageintake.Limits{}, imageintake.ErrDimensions, "pixels"},
		{"png zero width", pngHeader(0, 10), imageintake.Limits{}, imageintake.ErrCorrupt, ""},
		{"jpeg bomb", patchJPEGSize(t, jpg, 65_000, 65_000), imageintake.Limits{}, imageintake.ErrDimensions, "65000x65000"},
		{"too small", small, imageintake.Limits{}, imageintake.ErrDimensions, "under 300"},
		{"custom max side", jpg, imageintake.Limits{MaxSide: 600}, imageintake.ErrDimensions, "600 px"},
		{"png garbage header", []byte("\x89PNG\r\n\x1a\nthis is not a chunk"), imageintake.Limits{}, imageintake.ErrCorrupt, ""},
		{"jpeg magic only", []byte{0xff, 0xd8, 0xff}, imageintake.Limits{}, imageintake.ErrCorrupt, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := imageintake.Inspect(tc.data, tc.lim)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Inspect err = %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.detail) {
				t.Errorf("error %q lacks detail %q", err, tc.detail)
			}
			if _, _, err := imageintake.Decode(context.Background(), tc.data, tc.lim); !errors.Is(err, tc.want) {
				t.Errorf("Decode err = %v, want %v", err, tc.want)
			}
		})
	}
}

// The bomb must be turned away from its header alone: decoding it would
// need 40 GB.
func TestBombRejectedWithoutAllocating(t *testing.T) {
	bomb := pngHeader(100_000, 100_000)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 10 {
		if _, _, err := imageintake.Decode(context.Background(), bomb, imageintake.DefaultLimits); !errors.Is(err, imageintake.ErrDimensions) {
			t.Fatalf("err = %v", err)
		}
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("rejecting 10 bombs allocated %d bytes", n)
	}
}

func TestTruncatedImagesAreCorrupt(t *testing.T) {
	doc := qualitytest.Document(3, 640, 400)
	for name, data := range map[string][]byte{
		"jpeg": encodeJPEG(t, doc),
		"png":  encodePNG(t, doc),
	} {
		cut := data[:len(data)/2]
		// The structure walk already finds the missing end.
		if _, err := imageintake.Inspect(cut, imageintake.DefaultLimits); !errors.Is(err, imageintake.ErrCorrupt) {
			t.Errorf("%s: Inspect of truncated data err = %v, want ErrCorrupt", name, err)
		}
		if _, _, err := imageintake.Decode(context.Background(), cut, imageintake.DefaultLimits); !errors.Is(err, imageintake.ErrCorrupt) {
			t.Errorf("%s: Decode of truncated data err = %v, want ErrCorrupt", name, err)
		}
	}
}

// Zero fields fall back to the defaults instead of meaning "no limit".
func TestZeroLimitsMeanDefaults(t *testing.T) {
	if _, err := imageintake.Inspect(pngHeader(20_000, 20_000), imageintake.Limits{MaxBytes: 1 << 20}); !errors.Is(err, imageintake.ErrDimensions) {
		t.Errorf("err = %v, want ErrDimensions from default MaxSide", err)
	}
	big := make([]byte, imageintake.DefaultLimits.MaxBytes+1)
	copy(big, "\x89PNG\r\n\x1a\n")
	if _, err := imageintake.Inspect(big, imageintake.Limits{}); !errors.Is(err, imageintake.ErrTooLarge) {
		t.Errorf("err = %v, want ErrTooLarge from default MaxBytes", err)
	}
}
