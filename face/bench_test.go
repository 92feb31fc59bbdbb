package face

import (
	"fmt"
	"testing"

	"github.com/rampart-id/rampart/models"
)

// Per-stage timings: go test -run '^$' -bench . ./face/
// (with -cpu 1 for the single-threaded case, as under wasm).

func BenchmarkLoadWeights(b *testing.B) {
	for _, c := range []struct {
		name     string
		manifest []byte
		bin      []byte
	}{
		{"detector", models.TinyFaceDetectorManifest, models.TinyFaceDetectorBin},
		{"landmarks", models.FaceLandmark68Manifest, models.FaceLandmark68Bin},
		{"recognition", models.FaceRecognitionManifest, models.FaceRecognitionBin},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := ParseWeights(c.manifest, c.bin); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDetect(b *testing.B) {
	img := loadImage(b, "sample1.jpg")
	d, err := DefaultDetector()
	if err != nil {
		b.Fatal(err)
	}
	for _, size := range []int{224, 320, 416, 608} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			for b.Loop() {
				if _, err := d.Detect(img, DetectOptions{InputSize: size}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkLandmarks(b *testing.B) {
	img := loadImage(b, "sample1.jpg")
	dets, err := Detect(img, DetectOptions{})
	if err != nil || len(dets) == 0 {
		b.Fatal(err, len(dets))
	}
	n, err := DefaultLandmarkNet()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := n.Landmarks(img, dets[0].Box); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDescriptor(b *testing.B) {
	img := loadImage(b, "sample1.jpg")
	dets, err := Detect(img, DetectOptions{})
	if err != nil || len(dets) == 0 {
		b.Fatal(err, len(dets))
	}
	ln, _ := DefaultLandmarkNet()
	lm, err := ln.Landmarks(img, dets[0].Box)
	if err != nil {
		b.Fatal(err)
	}
	n, err := DefaultRecognitionNet()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := n.Descriptor(img, lm); err != nil {
			b.Fatal(err)
		}
	}
}
