package doctest

import (
	"image"
	"image/color"
	"math/rand/v2"
	"strings"
)

// ID-1 size, in millimetres.
const id1W, id1H = 85.6, 53.98

// An ID card's front: a coloured band with the issuer and the title, the portrait
// on the left, the card number in red at the top right, the holder's fields and
// signature on the right.
func renderIDFront(s Spec, rng *rand.Rand) image.Image {
	p := newPageFor(IDCard)
	d := p.background("ID/" + s.Country)
	name, native := issuerOf(s.Country)
	p.band(0, 9.5, d.band)
	white := color.RGBA{246, 244, 236, 255}
	p.text(4, 5, 2.2, true, white, native)
	p.text(4, 8.2, 1.3, false, white, name+" · IDENTITY CARD / CARTE D'IDENTITÉ")

	p.portraitAt(s)
	p.textRight(82, 14, 2.1, true, color.RGBA{180, 30, 40, 255}, s.Number)
	per := s.Person
	x := 28.5
	p.field(x, 15.5, 54, "Surname / Nom", strings.ToUpper(per.Surname))
	p.field(x, 22, 54, "Given names / Prénoms", strings.ToUpper(per.GivenNames))
	p.field(x, 28.5, 22, "Date of birth / Date de naissance", vizDate(per.BirthDate))
	p.field(x+26, 28.5, 14, "Sex / Sexe", sexText(per.Sex))
	p.field(x+40, 28.5, 16, "Nationality", per.Nationality)
	p.field(x, 35, 30, "Place of birth / Lieu de naissance", cities[rng.IntN(len(cities))])
	p.field(x+34, 35, 22, "Date of expiry / Expiration", vizDate(s.Expiry))
	p.text(x, 42, 1.1, false, labelInk, "Signature / Signature")
	p.signature(rng, x+1, 43, 26, 7)
	p.ghost(per.Portrait, 70, 40, 11)
	p.roundCorners(cornerR)
	return p.img
}

// An ID card's back: address, height, eye colour, authority and issue date at the
// top, the three zone lines along the bottom.
func renderIDBack(s Spec, rng *rand.Rand) image.Image {
	p := newPageFor(IDCard)
	p.background("IDback/" + s.Country)
	x := 5.0
	city := cities[rng.IntN(len(cities))]
	p.field(x, 5, 50, "Address / Adresse", strings.ToUpper(streets[rng.IntN(len(streets))])+" "+itoa(1+rng.IntN(120))+", "+city)
	p.field(x, 12, 18, "Height / Taille", itoa(150+rng.IntN(45))+" cm")
	p.field(x+22, 12, 20, "Eyes / Yeux", []string{"BROWN", "BLUE", "GREEN", "GREY"}[rng.IntN(4)])
	p.field(x, 19, 40, "Authority / Autorité", "CITY OF "+city)
	p.field(x+45, 19, 30, "Date of issue / Délivrance", vizDate(s.Issued))
	p.lighten(0, 34, id1W, id1H, 0.5)
	p.mrzAt(s)
	p.roundCorners(cornerR)
	return p.img
}

// A TD2 card, 105×74 mm, single sided: band, portrait, fields, and the two zone
// lines at the bottom.
func renderTD2(s Spec, rng *rand.Rand) image.Image {
	p := newPageFor(TD2Card)
	d := p.background("TD2/" + s.Country)
	name, native := issuerOf(s.Country)
	p.band(0, 10, d.band)
	white := color.RGBA{246, 244, 236, 255}
	p.text(5, 5.5, 2.3, true, white, native)
	p.text(5, 8.6, 1.3, false, white, name+" · IDENTITY CARD / CARTE D'IDENTITÉ")
	p.textRight(100, 6.5, 2.1, true, color.RGBA{255, 225, 200, 255}, s.Number)

	p.portraitAt(s)
	per := s.Person
	x := 35.0
	p.field(x, 15, 65, "Surname / Nom", strings.ToUpper(per.Surname))
	p.field(x, 22, 65, "Given names / Prénoms", strings.ToUpper(per.GivenNames))
	p.field(x, 29, 30, "Date of birth / Date de naissance", vizDate(per.BirthDate))
	p.field(x+36, 29, 12, "Sex / Sexe", sexText(per.Sex))
	p.field(x+50, 29, 15, "Nationality", per.Nationality)
	p.field(x, 36, 34, "Place of birth / Lieu de naissance", cities[rng.IntN(len(cities))])
	p.field(x+36, 36, 30, "Date of issue / Délivrance", vizDate(s.Issued))
	p.field(x, 43, 34, "Date of expiry / Expiration", vizDate(s.Expiry))
	p.field(x+36, 43, 30, "Authority / Autorité", cities[rng.IntN(len(cities))])
	p.text(x, 50, 1.1, false, labelInk, "Signature / Signature")
	p.signature(rng, x+1, 51, 30, 7)
	p.lighten(0, 60, 105, 74, 0.45)
	p.mrzAt(s)
	p.roundCorners(cornerR)
	return p.img
}

var streets = []string{"Hauptstraße", "Rue de la Paix", "Kerkstraat", "Calle Mayor", "Ulica Długa", "Storgatan", "Via Roma", "Elm Street"}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
