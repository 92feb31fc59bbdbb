package faults

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
	"math/rand"
	"testing"
)

// Hostile images, each valid enough that an unguarded decoder does the expensive part.

// png16 is a 16-bit RGBA PNG of w×h transparent pixels: a couple of hundred kB on the
// wire, 8 bytes per pixel once decoded (200 MB at 5000×5000). It is written row by row
// so the test never holds the pixels.
func png16(t *testing.T, w, h int) []byte {
	t.Helper()
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, 16, 6, 0, 0, 0) // depth 16, RGBA, deflate, no filter, no interlace
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	row := make([]byte, 1+w*8) // filter byte "none" + pixels
	for range h {
		_, _ = zw.Write(row)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", z.Bytes())...)
	return append(out, pngChunk("IEND", nil)...)
}

// pngChunk is one length-prefixed, CRC-checked PNG chunk.
func pngChunk(typ string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// tinyPNGHeader is a ~200-byte PNG whose header declares w×h 16-bit RGBA pixels but
// whose data holds only a few rows: a decoder that allocates from the header first pays
// for w*h*8 bytes before it finds out.
func tinyPNGHeader(t *testing.T, w, h int) []byte {
	t.Helper()
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, 16, 6, 0, 0, 0) // depth 16, RGBA, deflate, no filter, no interlace
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	_, _ = zw.Write(make([]byte, 4*(1+w*8))) // four rows: filter byte + pixels
	_ = zw.Close()
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", z.Bytes())...)
	out = append(out, pngChunk("IEND", nil)...)
	return out
}

// progressiveJPEG is a valid grayscale progressive JPEG of side×side pixels with one DC
// scan and then scans-1 AC scans that each skip every block with two EOB runs: six
// bytes of entropy data per scan, yet each scan makes a decoder walk all the blocks.
func progressiveJPEG(side, scans int) []byte {
	seg := func(marker byte, body ...byte) []byte {
		out := []byte{0xff, marker}
		out = binary.BigEndian.AppendUint16(out, uint16(len(body)+2))
		return append(out, body...)
	}
	out := []byte{0xff, 0xd8}
	out = append(out, seg(0xdb, append([]byte{0x00}, bytes.Repeat([]byte{1}, 64)...)...)...) // DQT: all ones
	sof := binary.BigEndian.AppendUint16([]byte{8}, uint16(side))
	sof = binary.BigEndian.AppendUint16(sof, uint16(side))
	out = append(out, seg(0xc2, append(sof, 1, 1, 0x11, 0)...)...)                     // SOF2: one component
	oneCode := append([]byte{1}, make([]byte, 15)...)                                  // a single 1-bit code
	out = append(out, seg(0xc4, append(append([]byte{0x00}, oneCode...), 0x00)...)...) // DC: "0" → diff 0
	out = append(out, seg(0xc4, append(append([]byte{0x10}, oneCode...), 0xe0)...)...) // AC: "0" → EOB run 2^14+bits
	blocks := (side + 7) / 8 * ((side + 7) / 8)
	out = append(out, seg(0xda, 1, 1, 0x00, 0, 0, 0x00)...) // DC first scan
	out = append(out, make([]byte, (blocks+7)/8)...)        // one 0 bit per block
	for range scans - 1 {
		out = append(out, seg(0xda, 1, 1, 0x00, 1, 63, 0x00)...) // AC first scan, bands 1..63
		// "0" + fourteen 1s = a run of 32767 blocks, twice, padded with 1s; 0xff is stuffed.
		out = append(out, 0x7f, 0xfe, 0xff, 0x00, 0xff, 0x00)
	}
	return append(out, 0xff, 0xd9)
}

// noiseJPEG is a colour-noise JPEG at quality 100 just under maxBytes: the largest
// document a client may send, and as costly to decode as JPEG gets per byte. Noise
// compresses evenly, so a strip gives the bytes per row.
func noiseJPEG(t *testing.T, maxBytes int) []byte {
	t.Helper()
	const w = 2400
	enc := func(h int) []byte {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		rand.New(rand.NewSource(int64(h))).Read(img.Pix)
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 100}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	perRow := float64(len(enc(160))) / 160
	out := enc(int(float64(maxBytes)*0.97/perRow) / 16 * 16)
	if len(out) > maxBytes {
		t.Fatalf("noise JPEG is %d bytes, over %d", len(out), maxBytes)
	}
	return out
}
