package main

import (
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg"
	"os"
)

func main() {
	for _, name := range os.Args[1:] {
		f, _ := os.Open(name)
		img, _, err := image.Decode(f)
		if err != nil {
			panic(err)
		}
		b := img.Bounds()
		buf := make([]byte, 0, b.Dx()*b.Dy()*3)
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
				buf = append(buf, c.R, c.G, c.B)
			}
		}
		out := fmt.Sprintf("%s.%dx%d.rgb", name, b.Dx(), b.Dy())
		os.WriteFile(out, buf, 0o644)
		fmt.Println(out)
	}
}
