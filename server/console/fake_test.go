package console_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"sync"
	"time"

	"github.com/rampart-id/rampart/document"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/audit"
	"github.com/rampart-id/rampart/server/console"
	"github.com/rampart-id/rampart/server/store"
)

// fakeReviews stands in for the review domain: it serves one queued case and records
// the calls (with their actors) the console makes.
type fakeReviews struct {
	mu       sync.Mutex
	calls    []string
	actors   []audit.Actor
	decision console.Decision
	reset    [3]string
	filter   console.QueueFilter
	partner  store.Partner
	cse      store.Case
	images   map[string]console.CaseImage
}

const (
	frontID = "11111111-1111-4111-8111-111111111111"
	frameID = "22222222-2222-4222-8222-222222222222"
	caseID  = "33333333-3333-4333-8333-333333333333"
	partID  = "44444444-4444-4444-8444-444444444444"
)

func newFakeReviews() *fakeReviews {
	// A data side whose bottom third is black (the "zone") and the rest white.
	img := image.NewRGBA(image.Rect(0, 0, 300, 200))
	for y := 0; y < 200; y++ {
		for x := 0; x < 300; x++ {
			c := color.RGBA{255, 255, 255, 255}
			if y >= 140 {
				c = color.RGBA{0, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, img, nil)
	return &fakeReviews{
		partner: store.Partner{ID: partID, Name: "Acme Wallet"},
		cse: store.Case{ID: caseID, PartnerID: partID, PartnerUserID: "user-42", State: store.CaseSubmitted,
			DocumentType: kyc.Passport, SubmittedAt: time.Now().Add(-3 * time.Hour)},
		images: map[string]console.CaseImage{
			frontID: {ID: frontID, Kind: store.ImageFront, ContentType: "image/jpeg", Data: buf.Bytes()},
			frameID: {ID: frameID, Kind: store.ImageLiveness, ContentType: "text/html", Data: []byte("<script>alert(1)</script>")},
		},
	}
}

func (f *fakeReviews) record(name string, a audit.Actor) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, name)
	f.actors = append(f.actors, a)
}

func (f *fakeReviews) called(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c == name {
			n++
		}
	}
	return n
}

func (f *fakeReviews) Queue(_ context.Context, a audit.Actor, q console.QueueFilter) ([]store.QueueEntry, console.QueueCounts, error) {
	f.record("Queue", a)
	f.filter = q
	return []store.QueueEntry{{Case: f.cse, ReviewReasons: []string{kyc.ReasonFaceUncertain}}},
		console.QueueCounts{Total: 1, ByReason: map[string]int{kyc.ReasonFaceUncertain: 1}, ByPartner: map[string]int{partID: 1}}, nil
}

func (f *fakeReviews) Case(_ context.Context, a audit.Actor, id string) (console.CaseView, error) {
	f.record("Case", a)
	if id != caseID {
		return console.CaseView{}, apierr.New(apierr.NotFound, "no such case")
	}
	var imgs []console.CaseImage
	for _, id := range []string{frontID, frameID} {
		i := f.images[id]
		i.Data = nil
		imgs = append(imgs, i)
	}
	return console.CaseView{Case: f.cse, PartnerName: f.partner.Name, Status: kyc.Pending, ReviewReasons: []string{kyc.ReasonFaceUncertain},
		Checks: []store.Check{{Name: "face_match", Result: "review", Reason: kyc.ReasonFaceUncertain, Score: 0.47, Threshold: 0.4},
			{Name: "document_front_blur", Result: "pass", Score: 230, Threshold: 100}},
		Images:   imgs,
		Identity: &document.Identity{Source: document.SourceMRZ, DocumentType: kyc.Passport, Surname: "MUSTERMANN", GivenNames: "ERIKA", Number: "C01X00T47"},
		History:  []store.HistoryEntry{{From: kyc.NotStarted, To: kyc.Pending, Actor: "widget", CreatedAt: time.Now()}},
	}, nil
}

func (f *fakeReviews) Image(_ context.Context, a audit.Actor, cID, imageID string) (console.CaseImage, error) {
	f.record("Image", a)
	img, ok := f.images[imageID]
	if !ok || cID != caseID {
		return img, apierr.New(apierr.NotFound, "no such image")
	}
	return img, nil
}

func (f *fakeReviews) Decide(_ context.Context, a audit.Actor, cID string, d console.Decision) (kyc.Status, error) {
	f.record("Decide", a)
	f.decision = d
	if d.Verified {
		return kyc.Verified, nil
	}
	return kyc.Failed, nil
}

func (f *fakeReviews) Reset(_ context.Context, a audit.Actor, partnerID, userID, note string) (kyc.Status, error) {
	f.record("Reset", a)
	f.reset = [3]string{partnerID, userID, note}
	return kyc.NotStarted, nil
}

func (f *fakeReviews) Find(_ context.Context, a audit.Actor, partnerID, userID string) ([]store.Case, error) {
	f.record("Find", a)
	if partnerID == partID && userID == f.cse.PartnerUserID {
		return []store.Case{f.cse}, nil
	}
	return nil, nil
}

func (f *fakeReviews) Partners(_ context.Context, a audit.Actor) ([]store.Partner, error) {
	return []store.Partner{f.partner}, nil
}

func (f *fakeReviews) Audit(_ context.Context, a audit.Actor, q store.AuditFilter) ([]store.AuditEntry, error) {
	f.record("Audit", a)
	if a.Role != store.RoleAdmin {
		return nil, apierr.New(apierr.Forbidden, "admins only")
	}
	return []store.AuditEntry{{ID: "55555555-5555-4555-8555-555555555555", At: time.Now(), Actor: "operator:ana", Action: audit.CaseView, CaseID: caseID}}, nil
}

func (f *fakeReviews) ExportAudit(_ context.Context, a audit.Actor, q store.AuditFilter, w io.Writer) error {
	f.record("ExportAudit", a)
	if a.Role != store.RoleAdmin {
		return apierr.New(apierr.Forbidden, "admins only")
	}
	_, err := fmt.Fprintf(w, "id,at,actor,action\n1,2026-01-01T00:00:00Z,operator:ana,%s\n", q.Action)
	return err
}

type fakeRedactor struct {
	mu    sync.Mutex
	calls [][2]string
}

func (r *fakeRedactor) User(_ context.Context, a audit.Actor, partnerID, userID string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if a.Role != store.RoleAdmin {
		return apierr.New(apierr.Forbidden, "admins only")
	}
	r.calls = append(r.calls, [2]string{partnerID, userID})
	return nil
}
