// Package y4m writes YUV4MPEG2 videos, the format Chromium's fake camera plays
// (--use-file-for-fake-video-capture).
package y4m

import (
	"bufio"
	"fmt"
	"image"
	"image/draw"
	"os"
)

// Write writes frames (all the size of the first, cropped to even sides) as a 4:2:0
// video at fps frames a second: BT.601 full range, as C420jpeg declares, each chroma
// sample the mean of its 2×2 pixels.
func Write(path string, frames []image.Image, fps int) error {
	if len(frames) == 0 || fps <= 0 {
		return fmt.Errorf("y4m: %d frames at %d fps", len(frames), fps)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	b := frames[0].Bounds()
	w, h := b.Dx()&^1, b.Dy()&^1
	fmt.Fprintf(bw, "YUV4MPEG2 W%d H%d F%d:1 Ip A1:1 C420jpeg\n", w, h, fps)
	y := make([]byte, w*h)
	u := make([]byte, w*h/4)
	v := make([]byte, w*h/4)
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	for _, fr := range frames {
		draw.Draw(rgba, rgba.Rect, fr, fr.Bounds().Min, draw.Src)
		for py := range h {
			for px := range w {
				i := rgba.PixOffset(px, py)
				r, g, bl := float64(rgba.Pix[i]), float64(rgba.Pix[i+1]), float64(rgba.Pix[i+2])
				y[py*w+px] = clamp(0.299*r + 0.587*g + 0.114*bl)
			}
		}
		for py := 0; py < h; py += 2 {
			for px := 0; px < w; px += 2 {
				var r, g, bl float64
				for _, o := range [4][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
					i := rgba.PixOffset(px+o[0], py+o[1])
					r += float64(rgba.Pix[i]) / 4
					g += float64(rgba.Pix[i+1]) / 4
					bl += float64(rgba.Pix[i+2]) / 4
				}
				k := (py/2)*(w/2) + px/2
				u[k] = clamp(128 - 0.168736*r - 0.331264*g + 0.5*bl)
				v[k] = clamp(128 + 0.5*r - 0.418688*g - 0.081312*bl)
			}
		}
		bw.WriteString("FRAME\n")
		bw.Write(y)
		bw.Write(u)
		bw.Write(v)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func clamp(f float64) byte {
	switch {
	case f < 0:
		return 0
	case f > 255:
		return 255
	}
	return byte(f + 0.5)
}
