package ocr

import (
	"testing"

	"github.com/rampart-id/rampart/mrz"
)

// BenchmarkReadDocument reads a 1600×1000 photo of a passport at the middle level.
func BenchmarkReadDocument(b *testing.B) {
	img, _ := synth(7, mrz.TD3, levels[2], 1600, 1000)
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := ReadDocument(img, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadDocumentTD1 reads a photo of an ID card's back.
func BenchmarkReadDocumentTD1(b *testing.B) {
	img, _ := synth(7, mrz.TD1, levels[2], 1600, 1000)
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := ReadDocument(img, now); err != nil {
			b.Fatal(err)
		}
	}
}
