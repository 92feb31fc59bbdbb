package doctest

import (
	"image"
	"math/rand/v2"
	"strings"
)

// A TD3 data page, 125×88 mm: title and issuer across the top, the portrait on the
// left with the signature below it, labelled fields on the right, a secondary
// portrait, and the two zone lines along the bottom.
func renderPassport(s Spec, rng *rand.Rand) image.Image {
	p := newPageFor(Passport)
	d := p.background("P/" + s.Country)
	name, native := issuerOf(s.Country)
	if native == "" || native == name {
		native = name
	}
	p.text(6, 7, 2.4, true, d.band, native)
	p.textRight(119, 7, 1.8, true, d.band, "PASSPORT / PASSEPORT")
	if native != name {
		p.text(6, 10.5, 1.4, false, labelInk, name)
	}

	p.portraitAt(s)
	p.text(6, 59.5, 1.1, false, labelInk, "Holder's signature / Signature du titulaire")
	p.signature(rng, 7, 61, 28, 8)
	p.ghost(s.Person.Portrait, 104, 44, 20)

	per := s.Person
	x, x2, x3 := 42.0, 60.0, 84.0
	p.field(x, 15, 18, "Type / Type", "P")
	p.field(x2, 15, 24, "Code / Code", s.Country)
	p.field(x3, 15, 36, "Passport No. / N° du passeport", s.Number)
	p.field(x, 22, 77, "Surname / Nom", strings.ToUpper(per.Surname))
	p.field(x, 29, 77, "Given names / Prénoms", strings.ToUpper(per.GivenNames))
	p.field(x, 36, 60, "Nationality / Nationalité", per.Nationality)
	p.field(x, 43, 40, "Date of birth / Date de naissance", vizDate(per.BirthDate))
	p.field(x3, 43, 16, "Sex / Sexe", sexText(per.Sex))
	p.field(x, 50, 60, "Place of birth / Lieu de naissance", cities[rng.IntN(len(cities))])
	p.field(x, 57, 40, "Date of issue / Date de délivrance", vizDate(s.Issued))
	p.field(x, 64, 40, "Date of expiry / Date d'expiration", vizDate(s.Expiry))
	p.field(x3-4, 57, 40, "Authority / Autorité", cities[rng.IntN(len(cities))])

	p.lighten(0, 72, 125, 88, 0.45)
	p.mrzAt(s)
	return p.img
}
