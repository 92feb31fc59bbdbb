package testserver

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"net/http"
	"testing"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/quality/qualitytest"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/partner"
	"github.com/rampart-id/rampart/wasm/rpc"
)

// Capture describes the pictures a simulated user sends.
type Capture struct {
	Seed   int64       // varies the document
	Front  image.Image // default: a sharp synthetic ID card
	Frames int         // liveness frames (default 8)
}

// Widget opens the widget for user the way a browser does (CreateSession, then
// StartSession with the init token) and returns its API client.
func (s *Server) Widget(t testing.TB, p partner.Created, user string) rpc.API {
	t.Helper()
	api := rpc.New(s.URL, rpc.HTTPTransport(http.DefaultClient))
	api.SetToken(s.WidgetToken(t, p, user))
	return api
}

// WidgetToken opens the widget for user as Widget does and returns its widget token.
func (s *Server) WidgetToken(t testing.TB, p partner.Created, user string) string {
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

// SubmitCase uploads an ID card (front and back) and a selfie sequence, then submits.
func (s *Server) SubmitCase(t testing.TB, api rpc.API, c Capture) error {
	t.Helper()
	ctx := context.Background()
	front := c.Front
	if front == nil {
		front = qualitytest.Document(c.Seed*2+1, 1600, 1000)
	}
	const id = widgetv1.DocumentType_DOCUMENT_TYPE_NATIONAL_ID
	for side, img := range map[widgetv1.DocumentSide]image.Image{
		widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT: front,
		widgetv1.DocumentSide_DOCUMENT_SIDE_BACK:  qualitytest.Document(c.Seed*2+2, 1600, 1000),
	} {
		if _, err := api.UploadDocument(ctx, &widgetv1.UploadDocumentRequest{DocumentType: id, Side: side, Image: JPEG(t, img)}); err != nil {
			return err
		}
	}
	n := c.Frames
	if n == 0 {
		n = 8
	}
	req := &widgetv1.SubmitLivenessRequest{DurationMs: 3000}
	for _, f := range qualitytest.FaceFrames(c.Seed+100, n, 480, 360) {
		req.Frames = append(req.Frames, JPEG(t, f))
	}
	if _, err := api.SubmitLiveness(ctx, req); err != nil {
		return err
	}
	_, err := api.SubmitCase(ctx, &widgetv1.SubmitCaseRequest{})
	return err
}

// JPEG encodes img at quality 90.
func JPEG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
