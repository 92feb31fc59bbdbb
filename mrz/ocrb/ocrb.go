// Package ocrb holds the OCR-B glyphs of machine-readable zones, rendered once
// into an embedded atlas (by tools/ocrbatlas, from Debian's public-domain
// fonts-ocr-b): the reader matches photos against them and test generators draw
// zones with them. Each glyph is a CellW×CellH cell, white background and black
// ink, drawn at the cell's left edge on the baseline, so cells laid side by side
// make a line of text at the font's monospace pitch.
package ocrb

import (
	"bytes"
	_ "embed"
	"image"
	"image/draw"
	"image/png"
	"strings"
	"sync"
)

// Chars are the characters of machine-readable zones, in the atlas's order.
const Chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"

//go:embed atlas.png
var atlasPNG []byte

var atlas = sync.OnceValue(func() *image.Gray {
	img, err := png.Decode(bytes.NewReader(atlasPNG))
	if err != nil {
		panic("ocrb: embedded atlas: " + err.Error())
	}
	g, ok := img.(*image.Gray)
	if !ok {
		g = image.NewGray(img.Bounds())
		draw.Draw(g, g.Bounds(), img, img.Bounds().Min, draw.Src)
	}
	return g
})

// Atlas is the whole atlas: the glyphs of Chars side by side. Callers must not
// modify it.
func Atlas() *image.Gray { return atlas() }

// Glyph is the cell of c (one of Chars; lower case is read as upper case), a fresh
// image with bounds (0,0)-(CellW,CellH), or nil for any other character.
func Glyph(c byte) *image.Gray {
	i := Index(c)
	if i < 0 {
		return nil
	}
	a := atlas()
	g := image.NewGray(image.Rect(0, 0, CellW, CellH))
	for y := 0; y < CellH; y++ {
		copy(g.Pix[y*g.Stride:], a.Pix[y*a.Stride+i*CellW:y*a.Stride+(i+1)*CellW])
	}
	return g
}

// Index is c's position in Chars (lower case read as upper case), or -1.
func Index(c byte) int {
	if c >= 'a' && c <= 'z' {
		c -= 'a' - 'A'
	}
	return strings.IndexByte(Chars, c)
}

// Ink is the bounds of c's ink in its cell (pixels darker than mid-grey), or the
// empty rectangle for a character not in Chars.
func Ink(c byte) image.Rectangle {
	if i := Index(c); i >= 0 {
		return inkBoxes[i]
	}
	return image.Rectangle{}
}
