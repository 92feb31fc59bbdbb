// Package imageintake vets untrusted uploaded images before anything decodes
// them. A few kilobytes of PNG or JPEG can declare billions of pixels, so the
// type is sniffed from magic bytes and the declared size read from the header
// and checked against limits before any pixel memory is allocated.
package imageintake

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
)

// Sentinel errors; every error returned wraps exactly one of them, so callers
// can map them to stable reason codes with errors.Is.
var (
	ErrTooLarge        = errors.New("imageintake: file too large")
	ErrUnsupportedType = errors.New("imageintake: unsupported image type")
	ErrDimensions      = errors.New("imageintake: unacceptable dimensions")
	ErrCorrupt         = errors.New("imageintake: corrupt image")
)

// Content types returned in Info.
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
)

// Limits bounds what an upload may be. A zero field takes the value from
// DefaultLimits, so a partially filled Limits is never unlimited.
type Limits struct {
	MaxBytes  int // encoded size
	MaxPixels int // width * height
	MaxSide   int // longer side, in pixels
	MinSide   int // shorter side, in pixels
}

// DefaultLimits leave wide margins over the widget's uploads (at most 2000 px,
// JPEG) and still admit full-size phone photos sent through the API, while
// bounding decode memory: 50 MP is ~200 MB as RGBA, and a progressive JPEG
// needs a few times that while decoding, so lower MaxPixels where memory is
// tight. MinSide only rejects thumbnails; the quality checks are stricter.
var DefaultLimits = Limits{
	MaxBytes:  10 << 20,
	MaxPixels: 50_000_000,
	MaxSide:   12_000,
	MinSide:   300,
}

// Info describes an image as declared by its header.
type Info struct {
	ContentType string // TypeJPEG or TypePNG
	Width       int
	Height      int
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxBytes > 0 {
		d.MaxBytes = l.MaxBytes
	}
	if l.MaxPixels > 0 {
		d.MaxPixels = l.MaxPixels
	}
	if l.MaxSide > 0 {
		d.MaxSide = l.MaxSide
	}
	if l.MinSide > 0 {
		d.MinSide = l.MinSide
	}
	return d
}

var (
	magicJPEG = []byte{0xff, 0xd8, 0xff}
	magicPNG  = []byte("\x89PNG\r\n\x1a\n")
)

// Inspect checks size, type and declared dimensions without decoding pixels.
func Inspect(data []byte, lim Limits) (Info, error) {
	lim = lim.withDefaults()
	if len(data) > lim.MaxBytes {
		return Info{}, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), lim.MaxBytes)
	}
	var (
		info Info
		cfg  image.Config
		err  error
	)
	// Only these two decoders ever see the bytes: anything registered with
	// the image package by some other import is deliberately not reachable.
	switch {
	case bytes.HasPrefix(data, magicJPEG):
		info.ContentType = TypeJPEG
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	case bytes.HasPrefix(data, magicPNG):
		info.ContentType = TypePNG
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	default:
		return Info{}, fmt.Errorf("%w: %s (only JPEG and PNG are accepted)", ErrUnsupportedType, describe(data))
	}
	if err != nil {
		return Info{}, fmt.Errorf("%w: unreadable %s header: %v", ErrCorrupt, info.ContentType, err)
	}
	info.Width, info.Height = cfg.Width, cfg.Height
	return info, checkDimensions(info.Width, info.Height, lim)
}

func checkDimensions(w, h int, lim Limits) error {
	long, short := max(w, h), min(w, h)
	switch {
	case short <= 0:
		return fmt.Errorf("%w: %dx%d is empty", ErrDimensions, w, h)
	case long > lim.MaxSide:
		return fmt.Errorf("%w: %dx%d exceeds %d px per side", ErrDimensions, w, h, lim.MaxSide)
	case int64(w)*int64(h) > int64(lim.MaxPixels): // int64: no overflow on 32-bit (wasm) ints
		return fmt.Errorf("%w: %dx%d exceeds %d pixels", ErrDimensions, w, h, lim.MaxPixels)
	case short < lim.MinSide:
		return fmt.Errorf("%w: %dx%d is under %d px per side", ErrDimensions, w, h, lim.MinSide)
	}
	return nil
}

// Decode inspects data and, only if it passes, decodes it fully. Truncated
// or otherwise broken image data is reported as ErrCorrupt.
func Decode(data []byte, lim Limits) (image.Image, Info, error) {
	info, err := Inspect(data, lim)
	if err != nil {
		return nil, Info{}, err
	}
	var img image.Image
	if info.ContentType == TypeJPEG {
		img, err = jpeg.Decode(bytes.NewReader(data))
	} else {
		img, err = png.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, Info{}, fmt.Errorf("%w: %s: %v", ErrCorrupt, info.ContentType, err)
	}
	if b := img.Bounds(); b.Dx() != info.Width || b.Dy() != info.Height {
		return nil, Info{}, fmt.Errorf("%w: header says %dx%d, decoded %dx%d", ErrCorrupt, info.Width, info.Height, b.Dx(), b.Dy())
	}
	return img, info, nil
}

// describe names common formats users upload by mistake, for the error
// detail (never shown as a code, so it can be refined freely).
func describe(data []byte) string {
	switch {
	case len(data) == 0:
		return "empty file"
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return "GIF image"
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return "WebP image"
	case len(data) >= 12 && string(data[4:8]) == "ftyp":
		return "HEIC/AVIF or other ISO media file"
	case bytes.HasPrefix(data, []byte("%PDF")):
		return "PDF document"
	}
	return "unrecognised data"
}
