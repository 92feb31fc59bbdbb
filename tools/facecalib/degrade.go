package main

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
)

// neutral is the grey the face crops are placed on.
const neutral = 128

// toRGBA copies any image into an *image.RGBA with origin (0, 0).
func toRGBA(img image.Image) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			i := out.PixOffset(x, y)
			out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = uint8(r>>8), uint8(g>>8), uint8(bl>>8), 255
		}
	}
	return out
}

// portrait cuts a square of side 1.8×the box's larger side, centred on the
// face box, and places it in the middle of a neutral canvas three box
// widths wide. Pixels of the crop outside the photo are neutral too. The
// face's centre is the canvas centre.
func portrait(src *image.RGBA, box image.Rectangle) *image.RGBA {
	side := max(box.Dx(), box.Dy())
	cropSide := int(math.Round(1.8 * float64(side)))
	canvas := 3 * side
	cx, cy := (box.Min.X+box.Max.X)/2, (box.Min.Y+box.Max.Y)/2
	out := image.NewRGBA(image.Rect(0, 0, canvas, canvas))
	for i := range out.Pix {
		out.Pix[i] = neutral
		if i%4 == 3 {
			out.Pix[i] = 255
		}
	}
	off := (canvas - cropSide) / 2
	sb := src.Bounds()
	for y := 0; y < cropSide; y++ {
		for x := 0; x < cropSide; x++ {
			sx, sy := cx-cropSide/2+x, cy-cropSide/2+y
			if !image.Pt(sx, sy).In(sb) {
				continue
			}
			si, di := src.PixOffset(sx, sy), out.PixOffset(off+x, off+y)
			copy(out.Pix[di:di+4], src.Pix[si:si+4])
		}
	}
	return out
}

// gaussianBlur is a separable Gaussian blur with clamped edges.
func gaussianBlur(src *image.RGBA, sigma float64) *image.RGBA {
	r := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*r+1)
	var sum float64
	for i := range k {
		d := float64(i - r)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	tmp := make([]float64, w*h*3)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var acc [3]float64
			for j, kv := range k {
				sx := min(max(x+j-r, 0), w-1)
				i := src.PixOffset(sx, y)
				acc[0] += kv * float64(src.Pix[i])
				acc[1] += kv * float64(src.Pix[i+1])
				acc[2] += kv * float64(src.Pix[i+2])
			}
			copy(tmp[(y*w+x)*3:], acc[:])
		}
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var acc [3]float64
			for j, kv := range k {
				sy := min(max(y+j-r, 0), h-1)
				t := (sy*w + x) * 3
				acc[0] += kv * tmp[t]
				acc[1] += kv * tmp[t+1]
				acc[2] += kv * tmp[t+2]
			}
			i := out.PixOffset(x, y)
			out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = clamp8(acc[0]), clamp8(acc[1]), clamp8(acc[2]), 255
		}
	}
	return out
}

func clamp8(v float64) uint8 {
	return uint8(math.Round(min(max(v, 0), 255)))
}

// mapPixels applies f to every pixel's RGB values.
func mapPixels(src *image.RGBA, f func(r, g, b float64) (float64, float64, float64)) *image.RGBA {
	out := image.NewRGBA(src.Bounds())
	for i := 0; i < len(src.Pix); i += 4 {
		r, g, b := f(float64(src.Pix[i]), float64(src.Pix[i+1]), float64(src.Pix[i+2]))
		out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = clamp8(r), clamp8(g), clamp8(b), 255
	}
	return out
}

// warp resamples src bilinearly: inv maps an output pixel centre to source
// coordinates; outside the source is neutral.
func warp(src *image.RGBA, w, h int, inv func(x, y float64) (float64, float64)) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	sw, sh := src.Bounds().Dx(), src.Bounds().Dy()
	at := func(x, y, c int) float64 {
		if x < 0 || y < 0 || x >= sw || y >= sh {
			return neutral
		}
		return float64(src.Pix[src.PixOffset(x, y)+c])
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sx, sy := inv(float64(x)+0.5, float64(y)+0.5)
			sx, sy = sx-0.5, sy-0.5
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			fx, fy := sx-float64(x0), sy-float64(y0)
			i := out.PixOffset(x, y)
			for c := 0; c < 3; c++ {
				v := (1-fy)*((1-fx)*at(x0, y0, c)+fx*at(x0+1, y0, c)) +
					fy*((1-fx)*at(x0, y0+1, c)+fx*at(x0+1, y0+1, c))
				out.Pix[i+c] = clamp8(v)
			}
			out.Pix[i+3] = 255
		}
	}
	return out
}

// rotate turns the image by deg degrees about its centre.
func rotate(src *image.RGBA, deg float64) *image.RGBA {
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	cx, cy := float64(w)/2, float64(h)/2
	s, c := math.Sincos(-deg * math.Pi / 180)
	return warp(src, w, h, func(x, y float64) (float64, float64) {
		dx, dy := x-cx, y-cy
		return cx + c*dx - s*dy, cy + s*dx + c*dy
	})
}

// homography returns the projective map taking the four points from[i] to
// to[i], solved as an 8×8 linear system.
func homography(from, to [4][2]float64) func(x, y float64) (float64, float64) {
	var a [8][9]float64
	for i := 0; i < 4; i++ {
		x, y, u, v := from[i][0], from[i][1], to[i][0], to[i][1]
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	for col := 0; col < 8; col++ {
		p := col
		for r := col + 1; r < 8; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		a[col], a[p] = a[p], a[col]
		for r := 0; r < 8; r++ {
			if r == col {
				continue
			}
			f := a[r][col] / a[col][col]
			for k := col; k < 9; k++ {
				a[r][k] -= f * a[col][k]
			}
		}
	}
	var m [8]float64
	for i := range m {
		m[i] = a[i][8] / a[i][i]
	}
	return func(x, y float64) (float64, float64) {
		d := m[6]*x + m[7]*y + 1
		return (m[0]*x + m[1]*y + m[2]) / d, (m[3]*x + m[4]*y + m[5]) / d
	}
}

// perspective scales the image by scale about its centre and moves each
// corner by up to jitter×side at random, as a print photographed slightly
// off-axis.
func perspective(src *image.RGBA, rng *rand.Rand, scale, jitter float64) *image.RGBA {
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	fw, fh := float64(w), float64(h)
	corners := [4][2]float64{{0, 0}, {fw, 0}, {fw, fh}, {0, fh}}
	var dst [4][2]float64
	for i, p := range corners {
		dst[i][0] = fw/2 + scale*(p[0]-fw/2) + (2*rng.Float64()-1)*jitter*fw
		dst[i][1] = fh/2 + scale*(p[1]-fh/2) + (2*rng.Float64()-1)*jitter*fh
	}
	return warp(src, w, h, homography(dst, corners))
}

// downscale shrinks the image by factor f < 1, averaging the source pixels
// each output pixel covers.
func downscale(src *image.RGBA, f float64) *image.RGBA {
	sw, sh := src.Bounds().Dx(), src.Bounds().Dy()
	w, h := max(1, int(math.Round(float64(sw)*f))), max(1, int(math.Round(float64(sh)*f)))
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		y0, y1 := y*sh/h, max((y+1)*sh/h, y*sh/h+1)
		for x := 0; x < w; x++ {
			x0, x1 := x*sw/w, max((x+1)*sw/w, x*sw/w+1)
			var acc [3]float64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					i := src.PixOffset(sx, sy)
					acc[0] += float64(src.Pix[i])
					acc[1] += float64(src.Pix[i+1])
					acc[2] += float64(src.Pix[i+2])
				}
			}
			n := float64((y1 - y0) * (x1 - x0))
			i := out.PixOffset(x, y)
			out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = clamp8(acc[0]/n), clamp8(acc[1]/n), clamp8(acc[2]/n), 255
		}
	}
	return out
}

// grayscale converts with the Rec. 601 luma weights.
func grayscale(src *image.RGBA) *image.Gray {
	out := image.NewGray(src.Bounds())
	for i, j := 0, 0; i < len(src.Pix); i, j = i+4, j+1 {
		out.Pix[j] = clamp8(0.299*float64(src.Pix[i]) + 0.587*float64(src.Pix[i+1]) + 0.114*float64(src.Pix[i+2]))
	}
	return out
}

// jpegRoundTrip encodes at quality q and decodes again.
func jpegRoundTrip(img image.Image, q int) image.Image {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		panic(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		panic(err)
	}
	return out
}

// printed imitates a photo printed and photographed again: slight blur,
// lower contrast with lifted blacks, a warm cast, an off-axis view at a
// slightly smaller scale, sensor noise, and JPEG at quality 60. With gray
// the result is converted to grey before the JPEG encoding.
func printed(src *image.RGBA, rng *rand.Rand, gray bool) image.Image {
	img := gaussianBlur(src, 1.0)
	img = mapPixels(img, func(r, g, b float64) (float64, float64, float64) {
		const k, lift = 0.7, 20.0
		r, g, b = lift+k*r, lift+k*g, lift+k*b
		return r*1.08 + 6, g*1.0 + 2, b * 0.85
	})
	img = perspective(img, rng, 0.92, 0.04)
	img = mapPixels(img, func(r, g, b float64) (float64, float64, float64) {
		return r + 6*rng.NormFloat64(), g + 6*rng.NormFloat64(), b + 6*rng.NormFloat64()
	})
	if gray {
		return jpegRoundTrip(grayscale(img), 60)
	}
	return jpegRoundTrip(img, 60)
}
