package doctest

import (
	"hash/fnv"
	"image"
	"image/draw"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/rampart-id/rampart/face/facetest"
	"github.com/rampart-id/rampart/mrz"
)

var now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// TestMRZParses checks every zone the generator prints against the parser: every
// check digit holds and every field is the Spec's.
func TestMRZParses(t *testing.T) {
	truncated := 0
	for _, k := range []Kind{Passport, IDCard, TD2Card} {
		for seed := range int64(80) {
			s := RandomFaceless(k, seed, now)
			lines := s.MRZ()
			d, err := mrz.Parse(lines, now)
			if err != nil {
				t.Fatalf("%v seed %d: %v\n%s", k, seed, err, strings.Join(lines, "\n"))
			}
			want := map[Kind]mrz.Format{Passport: mrz.TD3, IDCard: mrz.TD1, TD2Card: mrz.TD2}[k]
			p := s.Person
			if d.Format != want || d.Number != s.Number || d.IssuingCountry != s.Country ||
				d.Nationality != p.Nationality || !d.BirthDate.Equal(p.BirthDate) ||
				!d.ExpiryDate.Equal(s.Expiry) || d.Sex != p.Sex || d.OptionalData != s.Optional {
				s.Person.Portrait = facetest.Portrait{}
				t.Errorf("%v seed %d: parsed %+v\nfrom %+v", k, seed, d, s)
			}
			sur := strings.ReplaceAll(Transliterate(p.Surname), "<", " ")
			giv := strings.ReplaceAll(Transliterate(p.GivenNames), "<", " ")
			if d.Surname == "" || !strings.HasPrefix(sur, d.Surname) || d.GivenNames == "" || !strings.HasPrefix(giv, d.GivenNames) {
				t.Errorf("%v seed %d: names %q, %q from %q, %q", k, seed, d.Surname, d.GivenNames, p.Surname, p.GivenNames)
			}
			if d.Surname != sur || d.GivenNames != giv {
				truncated++
			}
		}
	}
	if truncated == 0 {
		t.Error("no name had to be truncated: the list should have long names")
	}
}

func TestTransliterate(t *testing.T) {
	for in, want := range map[string]string{
		"Müller":               "MUELLER",
		"Ørsted":               "OERSTED",
		"Weiß":                 "WEISS",
		"García López":         "GARCIA<LOPEZ",
		"O'Brien":              "OBRIEN",
		"Łukasiewicz":          "LUKASIEWICZ",
		"Marie-Hélène":         "MARIE<HELENE",
		"Åström":               "AASTROEM",
		"Dvořák":               "DVORAK",
		" Karl-Heinz  ":        "KARL<HEINZ",
		"Fernández-Villaverde": "FERNANDEZ<VILLAVERDE",
	} {
		if got := Transliterate(in); got != want {
			t.Errorf("Transliterate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMRZNameTruncation(t *testing.T) {
	for _, c := range []struct {
		sur, giv string
		n        int
		want     string
	}{
		{"Smith", "Anna", 30, "SMITH<<ANNA" + strings.Repeat("<", 19)},
		{"Wolfeschlegelsteinhausenbergerdorff", "Karl", 30, "WOLFESCHLEGELSTEINHAUSENBER<<K"},
		{"Papadopoulou-Konstantinidou", "Maria-Anna Josefa", 39, "PAPADOPOULOU<KONSTANTINIDOU<<MARIA<ANNA"},
	} {
		if got := mrzName(c.sur, c.giv, c.n); got != c.want || len(got) != c.n {
			t.Errorf("mrzName(%q, %q, %d) = %q, want %q", c.sur, c.giv, c.n, got, c.want)
		}
	}
}

func TestRenderSizes(t *testing.T) {
	for _, k := range Kinds {
		s := RandomFaceless(k, 1, now)
		front, back := Render(s)
		wantH := map[Kind]int{Passport: 1126, IDCard: 1009, TD2Card: 1128, Licence: 1009}[k]
		if b := front.Bounds(); b.Dx() != PageW || b.Dy() != wantH {
			t.Errorf("%v front %v, want %dx%d", k, b, PageW, wantH)
		}
		if hasBack := back != nil; hasBack != (k == IDCard || k == Licence) {
			t.Errorf("%v: back %v", k, hasBack)
		} else if hasBack && back.Bounds() != front.Bounds() {
			t.Errorf("%v: back %v, front %v", k, back.Bounds(), front.Bounds())
		}
	}
}

func digest(img image.Image) uint64 {
	r := image.NewRGBA(img.Bounds())
	draw.Draw(r, r.Rect, img, r.Rect.Min, draw.Src)
	h := fnv.New64a()
	h.Write(r.Pix)
	return h.Sum64()
}

func TestDeterministic(t *testing.T) {
	for _, k := range Kinds {
		a, b := RandomFaceless(k, 42, now), RandomFaceless(k, 42, now)
		if a.Person.Surname != b.Person.Surname || a.Number != b.Number || !a.Expiry.Equal(b.Expiry) {
			t.Fatalf("%v: Random differs: %+v vs %+v", k, a, b)
		}
		if c := RandomFaceless(k, 43, now); c.Number == a.Number {
			t.Errorf("%v: seeds 42 and 43 give number %s", k, c.Number)
		}
		fa, _ := Render(a)
		fb, _ := Render(b)
		if digest(fa) != digest(fb) {
			t.Errorf("%v: Render differs for one Spec", k)
		}
		if digest(Photograph(fa, 2, 7)) != digest(Photograph(fb, 2, 7)) {
			t.Errorf("%v: Photograph differs for one seed", k)
		}
	}
}

func TestPhotograph(t *testing.T) {
	for _, k := range []Kind{Passport, IDCard} {
		front, _ := Render(RandomFaceless(k, 3, now))
		want := image.Pt(1600, 1200)
		if k == Passport {
			want.Y = 1100
		}
		seen := map[uint64]int{}
		for lvl := range Levels() {
			shot := NewShot(front.Bounds(), lvl, 5)
			img := shot.Take(front)
			if img.Bounds().Size() != want {
				t.Errorf("%v level %d: %v, want %v", k, lvl, img.Bounds(), want)
			}
			if _, ok := img.(*image.YCbCr); !ok {
				t.Errorf("%v level %d: %T, not a decoded JPEG", k, lvl, img)
			}
			minX, minY, maxX, maxY := bounds(shot.Corners)
			if minX < 0 || minY < 0 || maxX > float64(want.X) || maxY > float64(want.Y) {
				t.Errorf("%v level %d: page at %v, partly out of view", k, lvl, shot.Corners)
			}
			if f := (maxX - minX) / float64(want.X); f < 0.55 || f > 0.95 {
				t.Errorf("%v level %d: page spans %.2f of the width", k, lvl, f)
			}
			if prev, ok := seen[digest(img)]; ok {
				t.Errorf("%v: levels %d and %d give the same photo", k, prev, lvl)
			}
			seen[digest(img)] = lvl
		}
		if a, b := Photograph(front, 1, 1), Photograph(front, 1, 2); digest(a) == digest(b) {
			t.Errorf("%v: seeds 1 and 2 give the same photo", k)
		}
	}
}

// TestHomography checks the warp's map on the corners it was solved for.
func TestHomography(t *testing.T) {
	from := [4][2]float64{{100, 120}, {1500, 90}, {1450, 1000}, {130, 1080}}
	to := [4][2]float64{{0, 0}, {1600, 0}, {1600, 1126}, {0, 1126}}
	h := homographyFrom(from, to)
	for i := range 4 {
		u, v := h.apply(from[i][0], from[i][1])
		if d := (u-to[i][0])*(u-to[i][0]) + (v-to[i][1])*(v-to[i][1]); d > 1e-6 {
			t.Errorf("corner %d maps to (%.3f, %.3f), want %v", i, u, v, to[i])
		}
	}
}

// TestBlur checks the packed blur against its kernel: a bright dot spreads into
// the binomial weights, and a flat image stays flat up to the edges.
func TestBlur(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 21, 15))
	for i := range img.Pix {
		img.Pix[i] = 40
	}
	img.Pix[img.PixOffset(10, 7)+1] = 40 + 160 // green only
	blur(img, 2)                               // [1 4 6 4 1]/16 each way
	k := []int{1, 4, 6, 4, 1}
	for dy := -3; dy <= 3; dy++ {
		for dx := -3; dx <= 3; dx++ {
			want := 40
			if dx >= -2 && dx <= 2 && dy >= -2 && dy <= 2 {
				want += (160*k[dx+2]*k[dy+2] + 128) / 256
			}
			o := img.PixOffset(10+dx, 7+dy)
			if got := int(img.Pix[o+1]); got < want-1 || got > want+1 {
				t.Errorf("green at (%d, %d): %d, want %d", dx, dy, got, want)
			}
			if img.Pix[o] != 40 || img.Pix[o+2] != 40 || img.Pix[o+3] != 40 {
				t.Errorf("other channels at (%d, %d): %v", dx, dy, img.Pix[o:o+4])
			}
		}
	}
}

// TestMRZRect checks the zone's box against the ink: the characters are inside,
// and nothing dark is in a margin of 1.5 mm around it.
func TestMRZRect(t *testing.T) {
	for _, k := range []Kind{Passport, IDCard, TD2Card} {
		for seed := range int64(3) {
			s := RandomFaceless(k, seed, now)
			front, back := Render(s)
			page := front.(*image.RGBA)
			if !s.MRZOnFront() {
				page = back.(*image.RGBA)
			}
			r := s.MRZRect()
			m := int(1.5 * float64(PageW) / layouts[k].w)
			outer := r.Inset(-m)
			var in, out int
			for y := outer.Min.Y; y < outer.Max.Y; y++ {
				for x := outer.Min.X; x < outer.Max.X; x++ {
					c := page.RGBAAt(x, y)
					if int(c.R)+int(c.G)+int(c.B) > 3*100 {
						continue
					}
					if image.Pt(x, y).In(r) {
						in++
					} else {
						out++
					}
				}
			}
			if in < r.Dx()*r.Dy()/20 || out > 0 {
				t.Errorf("%v seed %d: zone box %v has %d dark pixels inside, %d around it", k, seed, r, in, out)
			}
		}
	}
}

// TestConcurrent renders and photographs from several goroutines at once, as
// parallel tests do, and expects what one goroutine makes.
func TestConcurrent(t *testing.T) {
	specs := []Spec{RandomFaceless(IDCard, 8, now), RandomFaceless(Passport, 8, now), RandomFaceless(Licence, 8, now)}
	want := make([]uint64, len(specs))
	for i, s := range specs {
		_, back := Render(s)
		if back == nil {
			back, _ = Render(s)
		}
		want[i] = digest(Photograph(back, 1, 3))
	}
	got := make([]uint64, len(specs))
	done := make(chan bool)
	for i, s := range specs {
		go func() {
			_, back := Render(s)
			if back == nil {
				back, _ = Render(s)
			}
			got[i] = digest(Photograph(back, 1, 3))
			done <- true
		}()
	}
	for range specs {
		<-done
	}
	for i := range specs {
		if got[i] != want[i] {
			t.Errorf("%v: a concurrent render differs", specs[i].Kind)
		}
	}
}

// TestGlareAwayFromZoneAtLevel2 checks that the glare of level 2 photos stays off
// the zone: where it adds more than 5% of white, it is above the zone's box.
func TestGlareAwayFromZoneAtLevel2(t *testing.T) {
	for _, k := range []Kind{Passport, IDCard, TD2Card} {
		s := RandomFaceless(k, 1, now)
		l := layouts[k]
		page := image.Rect(0, 0, PageW, int(math.Round(l.h*l.scale())))
		zoneTop := float64(s.MRZRect().Min.Y)
		for seed := range int64(200) {
			shot := NewShot(page, 2, seed)
			if shot.GlareR == 0 {
				t.Fatalf("%v seed %d: no glare at level 2", k, seed)
			}
			// 1.5·exp(-2d²/r²) > 0.05 within d < 1.31r.
			reach := shot.GlareY*float64(page.Dy()) + 1.31*shot.GlareR*float64(page.Dx())
			if reach >= zoneTop {
				t.Errorf("%v seed %d: glare reaches y=%.0f, the zone starts at %.0f", k, seed, reach, zoneTop)
			}
		}
	}
}
