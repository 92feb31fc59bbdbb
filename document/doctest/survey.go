package doctest

import (
	"fmt"
	"image"
	"runtime"
	"sync"
	"time"

	"github.com/rampart-id/rampart/document"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/mrz"
)

// Tally counts what the reader made of a set of photos.
type Tally struct {
	Photos  int
	Correct int           // read, every field as made
	Wrong   int           // read, but some field differs: a wrong read accepted
	Refused int           // not read (an error): the user would be asked to retake
	Time    time.Duration // reading time summed over the photos
}

// Add adds u to t.
func (t *Tally) Add(u Tally) {
	t.Photos += u.Photos
	t.Correct += u.Correct
	t.Wrong += u.Wrong
	t.Refused += u.Refused
	t.Time += u.Time
}

// Survey is a read-rate measurement: one Tally per photo level and kind.
type Survey struct {
	PerKind int                    // photos of each kind at each level
	Cells   map[int]map[Kind]Tally // level → kind → tally
}

// Level sums a level over kinds.
func (s Survey) Level(level int) Tally {
	var t Tally
	for _, k := range Kinds {
		t.Add(s.Cells[level][k])
	}
	return t
}

// ChosenType is the document type a user taps for a kind.
func ChosenType(k Kind) string {
	switch k {
	case Passport:
		return kyc.Passport
	case Licence:
		return kyc.DriversLicence
	}
	return kyc.NationalID
}

// Truth is what a document's machine-readable data says, as the reader should find it.
func (s Spec) Truth(now time.Time) (document.Identity, error) {
	if s.Kind == Licence {
		return document.FromAAMVA(s.AAMVA()), nil
	}
	d, err := mrz.Parse(s.MRZ(), now)
	if err != nil {
		return document.Identity{}, fmt.Errorf("generated zone does not parse: %w", err)
	}
	return document.FromMRZ(d), nil
}

// RunSurvey photographs perKind random documents of every kind at every level (faceless:
// the portrait does not matter to the reader) and reads them with document.Read, on
// all cores. Seeds are fixed, so a survey is repeatable.
func RunSurvey(perKind int, now time.Time) (Survey, error) {
	type job struct {
		level int
		kind  Kind
		seed  int64
	}
	jobs := make(chan job)
	var mu sync.Mutex
	var firstErr error
	sv := Survey{PerKind: perKind, Cells: map[int]map[Kind]Tally{}}
	for l := range Levels() {
		sv.Cells[l] = map[Kind]Tally{}
	}
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Go(func() {
			for j := range jobs {
				t, err := readOne(j.kind, j.level, j.seed, now)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				c := sv.Cells[j.level][j.kind]
				c.Add(t)
				sv.Cells[j.level][j.kind] = c
				mu.Unlock()
			}
		})
	}
	for l := range Levels() {
		for _, k := range Kinds {
			for i := range perKind {
				jobs <- job{l, k, int64(1000*l + i + 1)}
			}
		}
	}
	close(jobs)
	wg.Wait()
	return sv, firstErr
}

func readOne(kind Kind, level int, seed int64, now time.Time) (Tally, error) {
	s := RandomFaceless(kind, seed, now)
	truth, err := s.Truth(now)
	if err != nil {
		return Tally{}, err
	}
	front, back := Render(s)
	pf := Photograph(front, level, seed)
	var pb image.Image
	if back != nil {
		pb = Photograph(back, level, seed+500)
	}
	start := time.Now()
	id, err := document.Read(ChosenType(kind), pf, pb, now)
	t := Tally{Photos: 1, Time: time.Since(start)}
	switch {
	case err != nil:
		t.Refused++
	case id == truth:
		t.Correct++
	default:
		t.Wrong++
	}
	return t, nil
}
