package imageintake

import (
	"encoding/binary"
	"fmt"
)

// deflateMaxRatio is the most deflate can expand its input: a 258-byte match
// coded in 2 bits. IDAT data shorter than raw/deflateMaxRatio cannot hold the
// image it declares, so the file is refused before the decoder allocates it.
const deflateMaxRatio = 1032

// pngLayout walks the chunks of a PNG without inflating anything. The stdlib
// decoder allocates the whole image when it meets the first IDAT, so this is
// the only chance to turn away a header that promises more than the file holds.
func pngLayout(data []byte, lim Limits) (Info, error) {
	info := Info{ContentType: TypePNG}
	pos := len(magicPNG)
	var (
		depth, colour, interlace byte
		idat                     int64
		transparency, seenIEND   bool
	)
	for first := true; !seenIEND; first = false {
		if len(data)-pos < 12 {
			return Info{}, fmt.Errorf("%w: PNG ends before its IEND chunk", ErrCorrupt)
		}
		n := int64(binary.BigEndian.Uint32(data[pos:]))
		typ := string(data[pos+4 : pos+8])
		body := pos + 8
		if n > int64(len(data)-body-4) {
			return Info{}, fmt.Errorf("%w: PNG chunk %q runs past the end of the file", ErrCorrupt, typ)
		}
		if first != (typ == "IHDR") {
			return Info{}, fmt.Errorf("%w: PNG must start with one IHDR chunk", ErrCorrupt)
		}
		switch typ {
		case "IHDR":
			if n != 13 {
				return Info{}, fmt.Errorf("%w: PNG IHDR has length %d", ErrCorrupt, n)
			}
			h := data[body:]
			w, ht := binary.BigEndian.Uint32(h), binary.BigEndian.Uint32(h[4:])
			if w == 0 || ht == 0 {
				return Info{}, fmt.Errorf("%w: PNG declares %dx%d", ErrCorrupt, w, ht)
			}
			if w > maxAnySide || ht > maxAnySide {
				return Info{}, fmt.Errorf("%w: %dx%d exceeds any limit", ErrDimensions, w, ht)
			}
			info.Width, info.Height = int(w), int(ht)
			depth, colour, interlace = h[8], h[9], h[12]
		case "IDAT":
			idat += n
		case "tRNS":
			transparency = true
		case "IEND":
			seenIEND = true
		}
		pos = body + int(n) + 4
	}
	info.Trailing = len(data) - pos

	bits, perPixel, err := pngPixelSize(depth, colour, transparency)
	if err != nil {
		return Info{}, err
	}
	if interlace > 1 {
		return Info{}, fmt.Errorf("%w: PNG interlace method %d", ErrCorrupt, interlace)
	}
	// The decoder allocates the final image plus two rows; an interlaced
	// image also allocates each of its seven passes before merging it, so
	// count it twice.
	w, h := int64(info.Width), int64(info.Height)
	row := 1 + (w*int64(bits)+7)/8 // filter byte + packed pixels
	info.DecodeBytes = w*h*perPixel + 2*row
	if interlace == 1 {
		info.DecodeBytes *= 2
	}
	if err := info.vet(lim); err != nil {
		return Info{}, err
	}
	// The raw (filtered) data is h rows; interlaced, at least the packed
	// pixels.
	raw := h * row
	if interlace == 1 {
		raw = w * h * int64(bits) / 8
	}
	if idat*deflateMaxRatio < raw {
		return Info{}, fmt.Errorf("%w: PNG holds %d bytes of image data, too few for %dx%d", ErrCorrupt, idat, w, h)
	}
	return info, nil
}

// pngPixelSize returns the bits per pixel in the compressed stream and the
// bytes per pixel of the image the stdlib decoder builds for it (e.g. 16-bit
// RGB becomes RGBA64: 8 bytes; a tRNS chunk adds an alpha channel).
func pngPixelSize(depth, colour byte, transparency bool) (bits int, bytes int64, err error) {
	valid := func(depths ...byte) bool {
		for _, d := range depths {
			if d == depth {
				return true
			}
		}
		return false
	}
	wide := int64(1)
	if depth == 16 {
		wide = 2
	}
	switch {
	case colour == 0 && valid(1, 2, 4, 8, 16): // grey
		bits, bytes = int(depth), wide
		if transparency {
			bytes = 4 * wide
		}
	case colour == 2 && valid(8, 16): // RGB
		bits, bytes = 3*int(depth), 4*wide
	case colour == 3 && valid(1, 2, 4, 8): // palette
		bits, bytes = int(depth), 1
	case colour == 4 && valid(8, 16): // grey + alpha
		bits, bytes = 2*int(depth), 4*wide
	case colour == 6 && valid(8, 16): // RGBA
		bits, bytes = 4*int(depth), 4*wide
	default:
		return 0, 0, fmt.Errorf("%w: PNG colour type %d with bit depth %d", ErrCorrupt, colour, depth)
	}
	return bits, bytes, nil
}
