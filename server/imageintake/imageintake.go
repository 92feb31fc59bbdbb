// Package imageintake vets untrusted uploaded images before anything decodes
// them, and bounds the decoding itself. A few kilobytes of PNG or JPEG can
// declare gigabytes of pixels or thousands of progressive scans, so the type is
// sniffed from magic bytes and the file's structure walked (PNG chunks, JPEG
// markers) to check dimensions, the memory the decoder will allocate, the scan
// count and that the data can hold what the header declares, all before a
// single pixel is allocated. Decodes then run in a bounded number of slots per
// process and stop when their context ends.
package imageintake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"time"
)

// Sentinel errors; every error returned wraps exactly one of them (or a
// context error), so callers can map them to stable reason codes with
// errors.Is.
var (
	ErrTooLarge        = errors.New("imageintake: too large")
	ErrUnsupportedType = errors.New("imageintake: unsupported image type")
	ErrDimensions      = errors.New("imageintake: unacceptable dimensions")
	ErrTooComplex      = errors.New("imageintake: too many scans")
	ErrCorrupt         = errors.New("imageintake: corrupt image")
	ErrBusy            = errors.New("imageintake: too many images are being decoded")
)

// Content types returned in Info.
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
)

// maxAnySide bounds a PNG side before any limit applies, so that size
// arithmetic on it cannot overflow (JPEG sides are 16-bit anyway).
const maxAnySide = 1 << 24

// WaitForSlot as Limits.QueueWait makes a decode wait for a free slot for as
// long as its context allows, for callers (background jobs) that should queue
// rather than fail.
const WaitForSlot time.Duration = -1

// BusyRetryAfter is how long a client refused with ErrBusy is told to wait.
const BusyRetryAfter = 2 * time.Second

// Limits bounds what an upload may be. A zero field takes the value from
// DefaultLimits, so a partially filled Limits is never unlimited.
type Limits struct {
	MaxBytes       int           // encoded size
	MaxPixels      int           // width * height
	MaxSide        int           // longer side, in pixels
	MinSide        int           // shorter side, in pixels
	MaxDecodeBytes int64         // memory the decoder allocates, computed from the header
	MaxScans       int           // JPEG scans (SOS markers)
	QueueWait      time.Duration // wait for a decode slot before ErrBusy; WaitForSlot: until ctx ends
}

// DefaultLimits leave wide margins over the widget's uploads (at most 2000 px,
// JPEG) and still admit full-size phone photos sent through the API.
//
// MaxDecodeBytes counts what the stdlib decoders really allocate, which
// depends on more than the pixel count: a 12 MP (4000x3000) photo needs
// 18 MB as a baseline 4:2:0 JPEG, 90 MB progressive (its coefficients are
// kept as int32 until the last scan), 48 MB as an 8-bit RGBA PNG and 96 MB
// as a 16-bit one. 128 MiB admits all of those and refuses e.g. a 16-bit RGBA
// 5000x5000 PNG (200 MB) or a 12 MP 4:4:4 progressive JPEG (180 MB). At most
// MaxConcurrentDecodes decodes run at once, so decoding never holds more than
// their product.
//
// A legitimate progressive JPEG has about 10 scans (libjpeg's default script
// has 10, mozjpeg's a few more); each scan costs a pass over every block, so
// a file of thousands of empty scans is refused rather than decoded.
var DefaultLimits = Limits{
	MaxBytes:       10 << 20,
	MaxPixels:      50_000_000,
	MaxSide:        12_000,
	MinSide:        300,
	MaxDecodeBytes: 128 << 20,
	MaxScans:       32,
	QueueWait:      2 * time.Second,
}

// Info describes an image as declared by its structure.
type Info struct {
	ContentType string // TypeJPEG or TypePNG
	Width       int
	Height      int
	DecodeBytes int64 // memory the decoder will allocate for it
	Progressive bool  // JPEG only
	Scans       int   // JPEG only
	Trailing    int   // bytes after the end of the image (dropped by Reencode)
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
	if l.MaxDecodeBytes > 0 {
		d.MaxDecodeBytes = l.MaxDecodeBytes
	}
	if l.MaxScans > 0 {
		d.MaxScans = l.MaxScans
	}
	if l.QueueWait != 0 {
		d.QueueWait = l.QueueWait
	}
	return d
}

var (
	magicJPEG = []byte{0xff, 0xd8, 0xff}
	magicPNG  = []byte("\x89PNG\r\n\x1a\n")
)

// Inspect checks size, type, dimensions, decode memory, scan count and that
// the data can hold what the header declares, without decoding pixels. It
// costs one pass over the bytes and allocates next to nothing.
func Inspect(data []byte, lim Limits) (Info, error) {
	lim = lim.withDefaults()
	if len(data) > lim.MaxBytes {
		return Info{}, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), lim.MaxBytes)
	}
	// Only these two decoders ever see the bytes: anything registered with
	// the image package by some other import is deliberately not reachable.
	switch {
	case bytes.HasPrefix(data, magicJPEG):
		return jpegLayout(data, lim)
	case bytes.HasPrefix(data, magicPNG):
		return pngLayout(data, lim)
	}
	return Info{}, fmt.Errorf("%w: %s (only JPEG and PNG are accepted)", ErrUnsupportedType, describe(data))
}

// vet applies the limits to what the header declares, the most telling
// refusal first.
func (info Info) vet(lim Limits) error {
	if err := checkDimensions(info.Width, info.Height, lim); err != nil {
		return err
	}
	if info.DecodeBytes > lim.MaxDecodeBytes {
		return fmt.Errorf("%w: decoding %dx%d needs %d MiB, limit %d MiB", ErrTooLarge, info.Width, info.Height, info.DecodeBytes>>20, lim.MaxDecodeBytes>>20)
	}
	return nil
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

// Decode inspects data and, only if it passes, decodes it fully in one of the
// process's decode slots (see MaxConcurrentDecodes), giving up when ctx ends.
// Truncated or otherwise broken image data is reported as ErrCorrupt.
func Decode(ctx context.Context, data []byte, lim Limits) (image.Image, Info, error) {
	var img image.Image
	info, err := WithDecoded(ctx, data, lim, func(m image.Image, _ Info) error {
		img = m
		return nil
	})
	if err != nil {
		return nil, Info{}, err
	}
	return img, info, nil
}

// WithDecoded is Decode that runs fn on the image while still holding the
// decode slot, so that the pixel memory of every image being worked on (not
// only being decoded) stays bounded by the slot count. fn's error is returned
// as is.
func WithDecoded(ctx context.Context, data []byte, lim Limits, fn func(image.Image, Info) error) (Info, error) {
	lim = lim.withDefaults()
	info, err := Inspect(data, lim)
	if err != nil {
		return Info{}, err
	}
	release, err := acquire(ctx, lim.QueueWait)
	if err != nil {
		return Info{}, err
	}
	defer release()
	img, err := decodePixels(ctx, data, info)
	if err != nil {
		return Info{}, err
	}
	return info, fn(img, info)
}

func decodePixels(ctx context.Context, data []byte, info Info) (image.Image, error) {
	r := &ctxReader{ctx: ctx, r: bytes.NewReader(data)}
	var (
		img image.Image
		err error
	)
	if info.ContentType == TypeJPEG {
		img, err = jpeg.Decode(r)
	} else {
		img, err = png.Decode(r)
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, ctxErr
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, info.ContentType, err)
	}
	if b := img.Bounds(); b.Dx() != info.Width || b.Dy() != info.Height {
		return nil, fmt.Errorf("%w: header says %dx%d, decoded %dx%d", ErrCorrupt, info.Width, info.Height, b.Dx(), b.Dy())
	}
	return img, nil
}

// ctxReader fails every read once its context is done, so a decoder working
// on it stops at its next read. Both stdlib decoders read through small
// buffers (4 KiB) as they go, never the whole input at once, and a
// progressive JPEG reads between any two scans.
type ctxReader struct {
	ctx context.Context
	r   *bytes.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
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
