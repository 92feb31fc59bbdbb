package imageintake

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// JPEG markers the walk needs to tell apart.
const (
	markerSOF0  = 0xc0 // baseline
	markerSOF1  = 0xc1 // extended sequential
	markerSOF2  = 0xc2 // progressive
	markerDHT   = 0xc4
	markerRST0  = 0xd0
	markerRST7  = 0xd7
	markerEOI   = 0xd9
	markerSOS   = 0xda
	markerDQT   = 0xdb
	markerDRI   = 0xdd
	markerAPP0  = 0xe0
	markerAPP14 = 0xee
	markerAPP15 = 0xef
	markerCOM   = 0xfe
)

type jpegComponent struct {
	id   byte
	h, v int64
}

// jpegLayout walks the markers of a JPEG without decoding any coefficient: it
// reads the frame header, counts the scans, measures each scan's entropy-coded
// data and finds the end of the image. It mirrors how the stdlib decoder
// steps from marker to marker, so what it measures is what that decoder will
// be handed.
func jpegLayout(data []byte, lim Limits) (Info, error) {
	info := Info{ContentType: TypeJPEG}
	var (
		comps     []jpegComponent
		adobeRGB  bool
		mxx, myy  int64
		covered   = map[byte]bool{} // components that got DC data
		starved   error
		seenEOI   bool
		pos       = 2 // after SOI
		blocksFor func(scanComps []jpegComponent) int64
	)
	for !seenEOI {
		// Like the stdlib decoder, skip stray bytes and fill bytes up to the
		// next marker.
		for pos < len(data) && data[pos] != 0xff {
			pos++
		}
		for pos < len(data) && data[pos] == 0xff {
			pos++
		}
		if pos >= len(data) {
			return Info{}, fmt.Errorf("%w: JPEG ends before its EOI marker", ErrCorrupt)
		}
		marker := data[pos]
		pos++
		switch {
		case marker == 0 || (marker >= markerRST0 && marker <= markerRST7):
			continue // stray stuffing or restart marker: ignored by the decoder
		case marker == markerEOI:
			seenEOI = true
			continue
		}
		if len(data)-pos < 2 {
			return Info{}, fmt.Errorf("%w: JPEG ends inside a segment header", ErrCorrupt)
		}
		n := int(binary.BigEndian.Uint16(data[pos:])) - 2
		pos += 2
		if n < 0 || n > len(data)-pos {
			return Info{}, fmt.Errorf("%w: JPEG segment %#x has a bad length", ErrCorrupt, marker)
		}
		body := data[pos : pos+n]
		pos += n

		switch {
		case marker == markerSOF0 || marker == markerSOF1 || marker == markerSOF2:
			if comps != nil {
				return Info{}, fmt.Errorf("%w: JPEG has more than one frame header", ErrCorrupt)
			}
			var err error
			if comps, err = jpegFrame(body, &info); err != nil {
				return Info{}, err
			}
			info.Progressive = marker == markerSOF2
			// MCU counts exactly as the decoder computes them, from the
			// first component's sampling factors.
			mxx = (int64(info.Width) + 8*comps[0].h - 1) / (8 * comps[0].h)
			myy = (int64(info.Height) + 8*comps[0].v - 1) / (8 * comps[0].v)
			blocksFor = func(sc []jpegComponent) int64 {
				if len(sc) == 1 && len(comps) > 1 { // non-interleaved: the component's own size
					c := sc[0]
					cw := (int64(info.Width)*c.h + comps[0].h - 1) / comps[0].h
					ch := (int64(info.Height)*c.v + comps[0].v - 1) / comps[0].v
					return ((cw + 7) / 8) * ((ch + 7) / 8)
				}
				var hv int64
				for _, c := range sc {
					hv += c.h * c.v
				}
				return mxx * myy * hv
			}
		case marker == markerSOS:
			if comps == nil {
				return Info{}, fmt.Errorf("%w: JPEG scan before its frame header", ErrCorrupt)
			}
			info.Scans++
			if info.Scans > lim.MaxScans { // stop walking: the rest can only be more scans
				if err := checkDimensions(info.Width, info.Height, lim); err != nil {
					return Info{}, err
				}
				return Info{}, fmt.Errorf("%w: more than %d JPEG scans", ErrTooComplex, lim.MaxScans)
			}
			sc, minBitsPerBlock, err := jpegScan(body, comps, info.Progressive)
			if err != nil {
				return Info{}, err
			}
			ecs := entropyCodedLength(data[pos:])
			pos += ecs
			if minBitsPerBlock > 0 {
				for _, c := range sc {
					// A sequential scan decodes its blocks in full (inverse DCT
					// included), so a component scanned twice would cost a
					// whole extra decode; the standard allows one scan each.
					if covered[c.id] && !info.Progressive {
						return Info{}, fmt.Errorf("%w: JPEG component %d is in more than one sequential scan", ErrCorrupt, c.id)
					}
					covered[c.id] = true
				}
				if need := blocksFor(sc) * minBitsPerBlock; int64(ecs)*8 < need && starved == nil {
					starved = fmt.Errorf("%w: JPEG scan %d holds %d bytes, too few for %dx%d", ErrCorrupt, info.Scans, ecs, info.Width, info.Height)
				}
			}
		case marker == markerAPP14:
			// Adobe transform 0 marks RGB, which the decoder converts into an
			// extra RGBA image.
			if len(body) >= 12 && bytes.HasPrefix(body, []byte("Adobe")) && body[11] == 0 {
				adobeRGB = true
			}
		case marker == markerDHT || marker == markerDQT || marker == markerDRI ||
			marker >= markerAPP0 && marker <= markerAPP15 || marker == markerCOM:
			// Tables and metadata: the decoder reads or skips them.
		case marker >= 0xc3 && marker <= 0xcf:
			return Info{}, fmt.Errorf("%w: arithmetic-coded, lossless or hierarchical JPEG (marker %#x)", ErrUnsupportedType, marker)
		default: // the decoder refuses any other marker
			return Info{}, fmt.Errorf("%w: unsupported JPEG marker %#x", ErrCorrupt, marker)
		}
	}
	info.Trailing = len(data) - pos
	if comps == nil {
		return Info{}, fmt.Errorf("%w: JPEG has no frame header", ErrCorrupt)
	}
	if info.Scans == 0 {
		return Info{}, fmt.Errorf("%w: JPEG has no scan", ErrCorrupt)
	}

	// What the decoder allocates: one plane per component padded to whole
	// MCUs (an image.Gray or image.YCbCr, plus a plane for K); RGB and CMYK
	// files are then converted into a further 4-byte-per-pixel image; a
	// progressive file also keeps every coefficient of every block as int32
	// (256 bytes per 8x8 block) until its last scan.
	pixels := int64(info.Width) * int64(info.Height)
	for _, c := range comps {
		info.DecodeBytes += 64 * c.h * c.v * mxx * myy
		if info.Progressive {
			info.DecodeBytes += 256 * c.h * c.v * mxx * myy
		}
	}
	rgb := len(comps) == 3 && (adobeRGB || comps[0].id == 'R' && comps[1].id == 'G' && comps[2].id == 'B')
	if len(comps) == 4 || rgb {
		info.DecodeBytes += 4 * pixels
	}
	if err := info.vet(lim); err != nil {
		return Info{}, err
	}
	for _, c := range comps {
		if !covered[c.id] && starved == nil {
			starved = fmt.Errorf("%w: JPEG component %d has no scan data", ErrCorrupt, c.id)
		}
	}
	return info, starved
}

// jpegFrame parses a frame header (SOF0-2) into info and its components,
// refusing what the stdlib decoder refuses about the frame's shape.
func jpegFrame(b []byte, info *Info) ([]jpegComponent, error) {
	if len(b) < 6 {
		return nil, fmt.Errorf("%w: JPEG frame header too short", ErrCorrupt)
	}
	if b[0] != 8 {
		return nil, fmt.Errorf("%w: %d-bit JPEG (only 8-bit is supported)", ErrUnsupportedType, b[0])
	}
	info.Height = int(binary.BigEndian.Uint16(b[1:]))
	info.Width = int(binary.BigEndian.Uint16(b[3:]))
	nc := int(b[5])
	if (nc != 1 && nc != 3 && nc != 4) || len(b) != 6+3*nc {
		return nil, fmt.Errorf("%w: JPEG frame with %d components", ErrCorrupt, nc)
	}
	comps := make([]jpegComponent, nc)
	for i := range comps {
		c := b[6+3*i:]
		h, v := int64(c[1]>>4), int64(c[1]&0x0f)
		if h < 1 || h > 4 || v < 1 || v > 4 || h == 3 || v == 3 {
			return nil, fmt.Errorf("%w: JPEG sampling factors %dx%d", ErrCorrupt, h, v)
		}
		if nc == 1 {
			h, v = 1, 1 // a single component is never interleaved
		} else if i > 0 && (h > comps[0].h || v > comps[0].v) {
			return nil, fmt.Errorf("%w: JPEG component sampled finer than luma", ErrCorrupt)
		}
		for _, prev := range comps[:i] {
			if prev.id == c[0] {
				return nil, fmt.Errorf("%w: JPEG repeats component %d", ErrCorrupt, c[0])
			}
		}
		comps[i] = jpegComponent{id: c[0], h: h, v: v}
	}
	return comps, nil
}

// jpegScan parses a scan header, returning its components and the fewest
// bits each of its blocks can be coded in: 2 for a sequential scan (a DC code
// and an end-of-block code), 1 for a progressive DC scan, and 0 for a
// progressive AC scan (one end-of-band run can cover thousands of blocks).
func jpegScan(b []byte, comps []jpegComponent, progressive bool) ([]jpegComponent, int64, error) {
	if len(b) < 6 || len(b) != 4+2*int(b[0]) || b[0] == 0 || int(b[0]) > len(comps) {
		return nil, 0, fmt.Errorf("%w: JPEG scan header malformed", ErrCorrupt)
	}
	var sc []jpegComponent
	for i := 0; i < int(b[0]); i++ {
		id := b[1+2*i]
		found := false
		for _, c := range comps {
			if c.id == id {
				sc, found = append(sc, c), true
			}
		}
		if !found {
			return nil, 0, fmt.Errorf("%w: JPEG scan names unknown component %d", ErrCorrupt, id)
		}
	}
	switch spectralStart := b[len(b)-3]; {
	case !progressive:
		return sc, 2, nil
	case spectralStart == 0:
		return sc, 1, nil
	}
	return sc, 0, nil
}

// entropyCodedLength is how many bytes of data follow a scan header before
// the next marker: 0xff is escaped as 0xff00 inside the data, and restart
// markers belong to it.
func entropyCodedLength(d []byte) int {
	for i := 0; ; {
		j := bytes.IndexByte(d[i:], 0xff)
		if j < 0 || i+j+1 >= len(d) {
			return len(d)
		}
		i += j
		if next := d[i+1]; next == 0 || (next >= markerRST0 && next <= markerRST7) {
			i += 2
			continue
		}
		return i
	}
}
