package testserver

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rampart-id/rampart/document/doctest"
	"github.com/rampart-id/rampart/face/facetest"
	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/liveness"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/partner"
	"github.com/rampart-id/rampart/wasm/rpc"
)

// Capture describes the pictures a simulated user sends. By default a real person:
// a generated ID card (front with the portrait of one face of the demo photos, back
// with its machine-readable zone) with a document number no other capture of this
// process uses, and a recording of that person doing the challenge the server asks for.
type Capture struct {
	Seed   int64       // picks the person (Seed modulo facetest.LiveIDs) and varies the page
	Person string      // a facetest portrait ID, instead of the one Seed picks
	Front  image.Image // replaces the document's front
	Back   image.Image // replaces the document's back
	// Doc is the document to photograph instead of a generated ID card (its portrait
	// is replaced by the capture's person).
	Doc *doctest.Spec
	// Type is the document type the user taps (default: what Doc is).
	Type widgetv1.DocumentType
	// Selfie records the challenge instead of facetest.LiveVideo of the person.
	Selfie func(c liveness.Challenge) []facetest.Frame
}

// docNumbers makes every generated document of the process a different one.
var docNumbers atomic.Int64

// Document is the document the capture shows: Doc, or an ID card of its person.
func (c Capture) Document(t testing.TB) doctest.Spec {
	t.Helper()
	if c.Doc != nil {
		d := *c.Doc
		d.Person.Portrait = c.Portrait(t)
		return d
	}
	d := doctest.Random(doctest.IDCard, c.Seed, time.Now())
	d.Person.Portrait = c.Portrait(t)
	d.Number = fmt.Sprintf("T%08d", docNumbers.Add(1)%100_000_000)
	return d
}

// DocumentType is the type a user would tap for a generated document.
func DocumentType(k doctest.Kind) widgetv1.DocumentType {
	for v := range widgetv1.DocumentType_name {
		if t := widgetv1.DocumentType(v); kyc.DocumentName(t) == doctest.ChosenType(k) {
			return t
		}
	}
	return widgetv1.DocumentType_DOCUMENT_TYPE_UNSPECIFIED
}

// Portrait is the person a capture shows.
func (c Capture) Portrait(t testing.TB) facetest.Portrait {
	t.Helper()
	if c.Person != "" {
		p, err := facetest.PortraitByID(c.Person)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	id := facetest.LiveIDs[int(uint64(c.Seed)%uint64(len(facetest.LiveIDs)))]
	p, err := facetest.PortraitByID(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Widget opens the widget for user the way a browser does (CreateSession, then
// StartSession with the init token) and returns its API client.
func (s *Server) Widget(t testing.TB, p partner.Created, user string) rpc.API {
	t.Helper()
	api := rpc.New(s.URL, rpc.HTTPTransport(http.DefaultClient))
	api.SetToken(s.WidgetToken(t, p, user))
	return api
}

// WidgetToken opens the widget for user as Widget does, agrees to the consent text (as
// the user taps "I agree") and returns its widget token.
func (s *Server) WidgetToken(t testing.TB, p partner.Created, user string) string {
	t.Helper()
	tok := s.WidgetTokenNoConsent(t, p, user)
	api := rpc.New(s.URL, rpc.HTTPTransport(http.DefaultClient))
	api.SetToken(tok)
	if _, err := api.RecordConsent(context.Background(), &widgetv1.RecordConsentRequest{Language: "en"}); err != nil {
		t.Fatalf("record consent: %v", err)
	}
	return tok
}

// WidgetTokenNoConsent opens the widget for user and returns its widget token, before
// the user agreed to anything.
func (s *Server) WidgetTokenNoConsent(t testing.TB, p partner.Created, user string) string {
	t.Helper()
	ctx := context.Background()
	pt, err := s.Store.Read().PartnerByID(ctx, p.PartnerID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.App.Partners.CreateSession(ctx, pt, &partnerv1.CreateSessionRequest{PartnerUserId: user, UserEmail: "u@example.com",
		Currency: "BTC", FiatCurrency: "EUR", FiatAmount: "50"}, "")
	e, ok := apierr.As(err)
	if !ok || e.Code != apierr.KycRequired {
		t.Fatalf("want kyc_required, got %v", err)
	}
	api := rpc.New(s.URL, rpc.HTTPTransport(http.DefaultClient))
	res, err := api.StartSession(ctx, &widgetv1.StartSessionRequest{InitToken: e.Detail.(*kycv1.KycRequired).GetInitToken()})
	if err != nil {
		t.Fatalf("start session: %v", err)
	}
	return res.GetWidgetToken()
}

// SubmitCase uploads an ID card (front and back) and answers a selfie challenge, then
// submits.
func (s *Server) SubmitCase(t testing.TB, api rpc.API, c Capture) error {
	t.Helper()
	if err := s.UploadDocuments(t, api, c); err != nil {
		return err
	}
	if err := s.AnswerChallenge(t, api, c); err != nil {
		return err
	}
	_, err := api.SubmitCase(context.Background(), &widgetv1.SubmitCaseRequest{})
	return err
}

// UploadDocuments photographs the capture's document (a clean photo, level 0: the
// face tests' portraits are compared at the face-match threshold, which heavier photo
// distortions approach for some faces) and uploads its sides.
func (s *Server) UploadDocuments(t testing.TB, api rpc.API, c Capture) error {
	t.Helper()
	d := c.Document(t)
	front, back := doctest.Render(d)
	front = doctest.Photograph(front, 0, c.Seed)
	if back != nil {
		back = doctest.Photograph(back, 0, c.Seed+1)
	}
	if c.Front != nil {
		front = c.Front
	}
	if c.Back != nil {
		back = c.Back
	}
	typ := c.Type
	if typ == widgetv1.DocumentType_DOCUMENT_TYPE_UNSPECIFIED {
		typ = DocumentType(d.Kind)
	}
	for _, side := range []struct {
		side widgetv1.DocumentSide
		img  image.Image
	}{{widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT, front}, {widgetv1.DocumentSide_DOCUMENT_SIDE_BACK, back}} {
		if side.img == nil {
			continue
		}
		if _, err := api.UploadDocument(context.Background(), &widgetv1.UploadDocumentRequest{DocumentType: typ, Side: side.side, Image: JPEG(t, side.img)}); err != nil {
			return err
		}
	}
	return nil
}

// AnswerChallenge starts the selfie step and sends the capture's recording of the
// challenge.
func (s *Server) AnswerChallenge(t testing.TB, api rpc.API, c Capture) error {
	t.Helper()
	_, err := api.SubmitLiveness(context.Background(), Selfie(t, api, c))
	return err
}

// Selfie starts the selfie step and returns the request answering its challenge with
// the capture's recording, after waiting as long as the recording claims to have
// taken (the server refuses capture times ahead of its clock).
func Selfie(t testing.TB, api rpc.API, c Capture) *widgetv1.SubmitLivenessRequest {
	t.Helper()
	ch, err := api.StartLiveness(context.Background(), &widgetv1.StartLivenessRequest{})
	if err != nil {
		t.Fatalf("start liveness: %v", err)
	}
	start := time.Now()
	moves, err := liveness.FromProto(ch.GetMoves())
	if err != nil {
		t.Fatal(err)
	}
	var frames []facetest.Frame
	if c.Selfie != nil {
		frames = c.Selfie(moves)
	} else {
		frames = facetest.LiveVideo(c.Portrait(t), moves)
	}
	req := &widgetv1.SubmitLivenessRequest{ChallengeId: ch.GetChallengeId()}
	for _, f := range frames {
		req.Frames = append(req.Frames, &widgetv1.LivenessFrame{Image: JPEG(t, f.Image), AtMs: int32(f.AtMS), Step: int32(f.Step)})
	}
	if len(frames) > 0 {
		time.Sleep(time.Duration(frames[len(frames)-1].AtMS)*time.Millisecond - time.Since(start))
	}
	return req
}

// Pictures is a selfie recording of arbitrary images, 100 ms apart, all at step 0
// (for tests of intake and workers, not of the checks).
func Pictures(imgs ...image.Image) func(liveness.Challenge) []facetest.Frame {
	return func(liveness.Challenge) []facetest.Frame {
		out := make([]facetest.Frame, len(imgs))
		for i, img := range imgs {
			out[i] = facetest.Frame{Image: img, AtMS: 100 * i}
		}
		return out
	}
}

// JPEG encodes img at quality 90.
func JPEG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
