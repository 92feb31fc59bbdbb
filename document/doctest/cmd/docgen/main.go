// Command docgen writes sample documents from package doctest, so that people can
// look at them: for each kind and seed, the flat scans as PNG, a photo of each side
// at every level as JPEG, and what the machine-readable parts hold as text.
//
//	go run ./document/doctest/cmd/docgen -out /tmp/docs -n 2
package main

import (
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rampart-id/rampart/aamva"
	"github.com/rampart-id/rampart/document/doctest"
)

func main() {
	out := flag.String("out", "docs", "directory to write to")
	n := flag.Int("n", 1, "documents of each kind")
	seed := flag.Int64("seed", 1, "first seed")
	faceless := flag.Bool("faceless", false, "silhouettes instead of faces (skips loading the face models)")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	now := time.Now()
	for _, k := range doctest.Kinds {
		for i := range *n {
			sd := *seed + int64(i)
			s := doctest.Random(k, sd, now)
			if *faceless {
				s = doctest.RandomFaceless(k, sd, now)
			}
			base := filepath.Join(*out, fmt.Sprintf("%s-%d", k, sd))
			front, back := doctest.Render(s)
			sides := map[string]image.Image{"front": front, "back": back}
			for side, img := range sides {
				if img == nil {
					continue
				}
				write(base+"-"+side+".png", func(f *os.File) error { return png.Encode(f, img) })
				for lvl := range doctest.Levels() {
					photo := doctest.Photograph(img, lvl, sd)
					write(fmt.Sprintf("%s-%s-photo%d.jpg", base, side, lvl), func(f *os.File) error {
						return jpeg.Encode(f, photo, &jpeg.Options{Quality: 95})
					})
				}
			}
			var info strings.Builder
			fmt.Fprintf(&info, "%s %s %s, %s, born %s, %s\n", k, s.Country, s.Number, s.Person.Surname, s.Person.BirthDate.Format(time.DateOnly), s.Person.GivenNames)
			for _, l := range s.MRZ() {
				fmt.Fprintln(&info, l)
			}
			if k == doctest.Licence {
				fmt.Fprintf(&info, "%q\n", aamva.Encode(s.AAMVA()))
			}
			write(base+".txt", func(f *os.File) error { _, err := f.WriteString(info.String()); return err })
		}
	}
	fmt.Println("levels:")
	for _, l := range doctest.Levels() {
		fmt.Println("  " + l)
	}
}

func write(path string, enc func(*os.File) error) {
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := enc(f); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
