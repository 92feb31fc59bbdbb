package doctest

import (
	"testing"
	"time"
)

var benchNow = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func BenchmarkRender(b *testing.B) {
	for _, k := range Kinds {
		b.Run(k.String(), func(b *testing.B) {
			s := RandomFaceless(k, 1, benchNow)
			Render(s) // the design's print and the portrait are made once
			for i := 0; b.Loop(); i++ {
				s.Seed = int64(i)
				Render(s)
			}
		})
	}
}

func BenchmarkPhotograph(b *testing.B) {
	front, _ := Render(RandomFaceless(Passport, 1, benchNow))
	for lvl := range Levels() {
		b.Run(Levels()[lvl][:1], func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				Photograph(front, lvl, int64(i))
			}
		})
	}
}

// BenchmarkDocumentPhoto is one document of a read-rate run: a random kind and
// holder, rendered, its zone or barcode side photographed at a random level.
func BenchmarkDocumentPhoto(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		s := RandomFaceless(Kinds[i%len(Kinds)], int64(i), benchNow)
		front, back := Render(s)
		if back != nil {
			front = back
		}
		Photograph(front, i%4, int64(i))
	}
}
