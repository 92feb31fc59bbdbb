package console_test

import (
	"bytes"
	"image/jpeg"
	"net/http"
	"strings"
	"testing"

	"github.com/rampart-id/rampart/face"
	"github.com/rampart-id/rampart/face/facetest"
	"github.com/rampart-id/rampart/server/console"
	"github.com/rampart-id/rampart/server/store"
)

// The portrait is cut from the photo side around the face; a side without a face is
// served whole.
func TestPortraitCrop(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the face detector")
	}
	ps, err := facetest.Portraits()
	if err != nil {
		t.Fatal(err)
	}
	doc := facetest.Passport(ps[0], 1)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, doc, nil); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	const passportID = "77777777-7777-4777-8777-777777777777"
	e.reviews.images[passportID] = console.CaseImage{ID: passportID, Kind: store.ImageFront, ContentType: "image/jpeg", Data: buf.Bytes()}
	b := e.browser()
	b.signIn(e.operator("rev", store.RoleReviewer))

	res, raw := b.get("/console/cases/" + caseID + "/images/" + passportID + "/portrait")
	crop, err := jpeg.Decode(strings.NewReader(raw))
	if res.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("portrait: %d %v", res.StatusCode, err)
	}
	db, cb := doc.Bounds(), crop.Bounds()
	if cb.Dx()*cb.Dy()*4 > db.Dx()*db.Dy() {
		t.Fatalf("portrait %v is not a crop of the side %v", cb, db)
	}
	if dets, err := face.Detect(crop, face.DetectOptions{}); err != nil || len(dets) == 0 {
		t.Fatalf("no face in the portrait crop: %v", err)
	}
	// The fake's front is a white and black page: no face, served whole.
	res, raw = b.get("/console/cases/" + caseID + "/images/" + frontID + "/portrait")
	whole, err := jpeg.Decode(strings.NewReader(raw))
	if res.StatusCode != http.StatusOK || err != nil || whole.Bounds().Dx() != 300 || whole.Bounds().Dy() != 200 {
		t.Fatalf("side without a face: %d %v", res.StatusCode, err)
	}
}
