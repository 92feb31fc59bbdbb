package doctest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/rampart-id/rampart/face/facetest"
)

// Surnames cover the cases a zone reader must get right: transliterated letters
// (Müller, Ørsted, Weiß), dropped diacritics, apostrophes, compound and hyphenated
// names, and names too long for a TD1 line.
var surnames = []string{
	"Müller", "Ørsted", "Schäfer", "Weiß", "García López", "Łukasiewicz", "Dvořák",
	"O'Brien", "Åström", "Sørensen", "Gonçalves", "Kovačević", "Ibáñez", "Nowak",
	"Papadopoulou-Konstantinidou", "Wolfeschlegelsteinhausenbergerdorff", "Smith",
	"Dubois", "Rossi", "De la Fuente Castellanos", "Jansen", "Şahin", "Novák",
	"Bjørnstad", "Fernández-Villaverde Echeverría", "Lefèvre", "Ní Bhriain", "Kim",
	"Van den Bergh-Oudenaarde", "Mustermann", "Nguyen", "Eriksson", "Öztürk",
}

var givenNames = map[string][]string{
	"F": {"Anna", "Zoë", "Maria-Anna Josefa Theresia", "Ingrid", "Chloé", "Małgorzata",
		"Eva Lucía", "Siobhán", "Ayşe", "Erika", "Lena", "Marie-Hélène Françoise"},
	"M": {"Jürgen", "Søren", "José María", "Łukasz", "François", "Jan", "Ömer",
		"Karl-Heinz Friedrich Wilhelm", "Lars", "Tomáš", "Peter", "Alexander Maximilian"},
}

// issuers of zone documents: their ICAO code, name and native name, for headers.
var issuers = []struct{ Code, Name, Native string }{
	{"UTO", "UTOPIA", "UTOPIA"},
	{"D", "FEDERAL REPUBLIC OF GERMANY", "BUNDESREPUBLIK DEUTSCHLAND"},
	{"FRA", "FRENCH REPUBLIC", "RÉPUBLIQUE FRANÇAISE"},
	{"NLD", "KINGDOM OF THE NETHERLANDS", "KONINKRIJK DER NEDERLANDEN"},
	{"ESP", "KINGDOM OF SPAIN", "REINO DE ESPAÑA"},
	{"POL", "REPUBLIC OF POLAND", "RZECZPOSPOLITA POLSKA"},
	{"SWE", "KINGDOM OF SWEDEN", "KONUNGARIKET SVERIGE"},
	{"ITA", "ITALIAN REPUBLIC", "REPUBBLICA ITALIANA"},
}

// jurisdictions of licences, with the name printed on them.
var jurisdictions = []struct{ Country, State, Name string }{
	{"USA", "CA", "CALIFORNIA"}, {"USA", "NY", "NEW YORK STATE"}, {"USA", "TX", "TEXAS"},
	{"USA", "FL", "FLORIDA"}, {"USA", "WA", "WASHINGTON"}, {"USA", "IL", "ILLINOIS"},
	{"CAN", "ON", "ONTARIO"}, {"CAN", "BC", "BRITISH COLUMBIA"}, {"CAN", "QC", "QUÉBEC"},
}

var cities = []string{"BERLIN", "LYON", "UTRECHT", "SEVILLA", "KRAKÓW", "GÖTEBORG", "TORINO", "ZÜRICH", "PORTO", "BRNO"}

// Random is a plausible document of kind: an adult holder with a face from
// facetest.Portraits (a zero Portrait if they cannot be loaded), names from a list
// that includes diacritics and names too long for the zone, an expiry after now.
// The same arguments give the same Spec. The first call runs the face detector
// over the demo photos (seconds); see RandomFaceless.
func Random(kind Kind, seed int64, now time.Time) Spec { return random(kind, seed, now, true) }

// RandomFaceless is Random without the portrait (a silhouette is drawn instead),
// for tests that only read the text, the zone or the barcode: it does not load the
// face models. Everything else is as Random's for the same arguments.
func RandomFaceless(kind Kind, seed int64, now time.Time) Spec {
	return random(kind, seed, now, false)
}

func random(kind Kind, seed int64, now time.Time, face bool) Spec {
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(kind)+0xd0c))
	now = now.UTC()
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	sex := []string{"F", "M"}[rng.IntN(2)]
	if rng.IntN(20) == 0 {
		sex = "X"
	}
	names := givenNames[sex]
	if sex == "X" {
		names = givenNames[[]string{"F", "M"}[rng.IntN(2)]]
	}
	s := Spec{Kind: kind, Seed: seed}
	s.Person = Person{
		Surname:    surnames[rng.IntN(len(surnames))],
		GivenNames: names[rng.IntN(len(names))],
		Sex:        sex,
		BirthDate:  day(now.AddDate(-18-rng.IntN(60), 0, -rng.IntN(365))),
	}
	pick := rng.Uint64()
	if face {
		if ps, err := facetest.Portraits(); err == nil && len(ps) > 0 {
			s.Person.Portrait = ps[pick%uint64(len(ps))]
		}
	}
	years := []int{5, 10}[rng.IntN(2)]
	s.Issued = day(now.AddDate(0, 0, -rng.IntN(years*365-30)-1))
	s.Expiry = s.Issued.AddDate(years, 0, -1)

	if kind == Licence {
		j := jurisdictions[rng.IntN(len(jurisdictions))]
		s.Country, s.State, s.Person.Nationality = j.Country, j.State, j.Country
		s.Number = licenceNumber(rng, j.State)
		return s
	}
	iss := issuers[rng.IntN(len(issuers))]
	s.Country, s.Person.Nationality = iss.Code, iss.Code
	if rng.IntN(6) == 0 {
		s.Person.Nationality = issuers[rng.IntN(len(issuers))].Code
	}
	s.Number = alnum(rng, "CFGHJKLMNPRTVWXYZ", 1) + alnum(rng, "0123456789CFGHJKLMNPRTVWXYZ", 8)
	if rng.IntN(3) == 0 {
		n := 7 + rng.IntN(4)
		if kind == TD2Card {
			n = 7 // all its zone has room for
		}
		s.Optional = alnum(rng, "0123456789", n)
	}
	return s
}

func alnum(rng *rand.Rand, chars string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = chars[rng.IntN(len(chars))]
	}
	return string(b)
}

// licenceNumber follows the shape of the jurisdiction's numbers.
func licenceNumber(rng *rand.Rand, state string) string {
	const digits = "0123456789"
	switch state {
	case "CA":
		return alnum(rng, "ABCDEFGHJKLMNPRSTUVWXYZ", 1) + alnum(rng, digits, 7)
	case "FL", "IL":
		return alnum(rng, "ABCDEFGHJKLMNPRSTUVWXYZ", 1) + alnum(rng, digits, 12)
	case "WA":
		return "WDL" + alnum(rng, "ABCDEFGHJKLMNPRSTUVWXYZ0123456789", 9)
	case "ON", "QC":
		return alnum(rng, "ABCDEFGHJKLMNPRSTUVWXYZ", 1) + alnum(rng, digits, 14)
	}
	return alnum(rng, digits, 9)
}

func issuerOf(code string) (name, native string) {
	for _, i := range issuers {
		if i.Code == code {
			return i.Name, i.Native
		}
	}
	return strings.ToUpper(code), ""
}

func jurisdictionName(state string) string {
	for _, j := range jurisdictions {
		if j.State == state {
			return j.Name
		}
	}
	return fmt.Sprint(state)
}
