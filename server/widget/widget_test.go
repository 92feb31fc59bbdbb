package widget_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/jpeg"
	"net/http"
	"strings"
	"testing"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/quality/qualitytest"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/partner"
	"github.com/rampart-id/rampart/wasm/rpc"
)

func jpegBytes(t testing.TB, img image.Image, q int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// widgetFor opens a session for user and returns the widget's API client after
// StartSession and the user's "I agree", the same client code the browser widget runs.
func widgetFor(t *testing.T, srv *testserver.Server, p partner.Created, user string) (rpc.API, *widgetv1.StartSessionResponse) {
	t.Helper()
	api, res := widgetNoConsent(t, srv, p, user)
	if _, err := api.RecordConsent(context.Background(), &widgetv1.RecordConsentRequest{Language: "en"}); err != nil {
		t.Fatalf("record consent: %v", err)
	}
	return api, res
}

// widgetNoConsent is widgetFor before the user agreed to anything.
func widgetNoConsent(t *testing.T, srv *testserver.Server, p partner.Created, user string) (rpc.API, *widgetv1.StartSessionResponse) {
	t.Helper()
	ctx := context.Background()
	m := srv.App.Partners
	_, err := m.CreateSession(ctx, mustPartner(t, srv, p.PartnerID), sessionReq(user), "")
	var tok string
	if kr, ok := kycToken(err); ok {
		tok = kr
	} else {
		t.Fatalf("create session: %v", err)
	}
	api := rpc.New(srv.URL, rpc.HTTPTransport(http.DefaultClient))
	res, err := api.StartSession(ctx, &widgetv1.StartSessionRequest{InitToken: tok})
	if err != nil {
		t.Fatalf("start session: %v", err)
	}
	api.SetToken(res.GetWidgetToken())
	return api, res
}

func slug(err error) string {
	var e *rpc.Error
	if errors.As(err, &e) {
		return e.Slug
	}
	return "not an rpc error: " + err.Error()
}

func upload(api rpc.API, dt widgetv1.DocumentType, side widgetv1.DocumentSide, img []byte) (*widgetv1.UploadDocumentResponse, error) {
	return api.UploadDocument(context.Background(), &widgetv1.UploadDocumentRequest{DocumentType: dt, Side: side, Image: img})
}

func TestWidgetCaseToPending(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv := testserver.Start(t, dbURL)
		p := srv.NewPartner(t, "Acme", "https://acme.example")
		api, start := widgetFor(t, srv, p, "alice+review")
		if start.GetState().GetStatus() != kyc.NotStarted.Proto() || start.GetInitTokenType() != "kyc" {
			t.Fatalf("start: %v", start)
		}
		const id, front, back = widgetv1.DocumentType_DOCUMENT_TYPE_NATIONAL_ID, widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT, widgetv1.DocumentSide_DOCUMENT_SIDE_BACK
		res, err := upload(api, id, front, jpegBytes(t, qualitytest.Document(1, 1600, 1000), 90))
		if err != nil || !res.GetAccepted() || len(res.GetQuality()) != 4 {
			t.Fatalf("upload front: %v %v", res, err)
		}
		// Submitting without the back side is refused with a clear reason.
		if _, err := api.SubmitLiveness(ctx, livenessReq(t, api, 6)); err != nil {
			t.Fatal(err)
		}
		if _, err := api.SubmitCase(ctx, &widgetv1.SubmitCaseRequest{}); slug(err) != "invalid_request" || !strings.Contains(err.Error(), "back") {
			t.Fatalf("submit without back: %v", err)
		}
		blurry, err := upload(api, id, back, jpegBytes(t, qualitytest.Blur(qualitytest.Document(2, 1600, 1000), 3), 90))
		if err != nil || blurry.GetAccepted() {
			t.Fatalf("blurry back should be stored but not accepted: %v %v", blurry, err)
		}
		if _, err := upload(api, id, back, jpegBytes(t, qualitytest.Document(2, 1600, 1000), 90)); err != nil {
			t.Fatal(err)
		}
		sub, err := api.SubmitCase(ctx, &widgetv1.SubmitCaseRequest{})
		if err != nil || sub.GetState().GetStatus() != kyc.Pending.Proto() {
			t.Fatalf("submit: %v %v", sub, err)
		}
		// The partner sees pending; a second submission is refused.
		prof, _ := srv.App.Partners.Status(ctx, mustPartner(t, srv, p.PartnerID), "alice+review")
		if prof.Status != kyc.Pending {
			t.Fatalf("partner sees %s", prof.Status)
		}
		if _, err := api.SubmitCase(ctx, &widgetv1.SubmitCaseRequest{}); slug(err) != "case_not_open" {
			t.Fatalf("second submit: %v", err)
		}
		if _, err := upload(api, id, front, jpegBytes(t, qualitytest.Document(3, 1600, 1000), 90)); slug(err) != "case_not_open" {
			t.Fatalf("upload while pending: %v", err)
		}
		// The status stream delivers the current state at once.
		sctx, cancel := context.WithCancel(ctx)
		var got *widgetv1.KycState
		_ = api.WatchStatus(sctx, func(s *widgetv1.KycState) { got = s; cancel() })
		if got.GetStatus() != kyc.Pending.Proto() {
			t.Fatalf("watch: %v", got)
		}
		// Images are sealed at rest: the stored bytes hold no JPEG header
		// (SOI then the quantisation table the encoder writes first). Six bytes,
		// so random ciphertext matches by chance with odds near 2^-48 per offset.
		var sealed []byte
		if err := srv.Store.DB().QueryRow(`SELECT sealed FROM case_images WHERE kind = 'document_front'`).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(sealed, []byte{0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x84}) || bytes.Contains(sealed, []byte("JFIF\x00")) {
			t.Fatal("stored image is not encrypted")
		}
	})
}

func TestWidgetUploadBadInput(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		srv := testserver.Start(t, dbURL)
		p := srv.NewPartner(t, "Acme")
		api, _ := widgetFor(t, srv, p, "mallory")
		const pass, front = widgetv1.DocumentType_DOCUMENT_TYPE_PASSPORT, widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT
		good := jpegBytes(t, qualitytest.Document(4, 1600, 1000), 90)
		var gif bytes.Buffer
		gif.WriteString("GIF89a")
		gif.Write(make([]byte, 100))
		cases := map[string]struct {
			img  []byte
			dt   widgetv1.DocumentType
			side widgetv1.DocumentSide
			want string
		}{
			"non-image bytes":  {[]byte("%PDF-1.7 not an image at all"), pass, front, "invalid_request"},
			"gif":              {gif.Bytes(), pass, front, "invalid_request"},
			"png bomb":         {pngBomb(100000, 100000), pass, front, "invalid_request"},
			"truncated jpeg":   {good[:len(good)/2], pass, front, "invalid_request"},
			"oversize":         {append(append([]byte{}, good...), make([]byte, 11<<20)...), pass, front, "payload_too_large"},
			"tiny image":       {jpegBytes(t, qualitytest.Document(5, 200, 120), 90), pass, front, "invalid_request"},
			"passport back":    {good, pass, widgetv1.DocumentSide_DOCUMENT_SIDE_BACK, "invalid_request"},
			"no document type": {good, widgetv1.DocumentType_DOCUMENT_TYPE_UNSPECIFIED, front, "invalid_request"},
			"empty":            {nil, pass, front, "invalid_request"},
		}
		for name, tc := range cases {
			if _, err := upload(api, tc.dt, tc.side, tc.img); err == nil || slug(err) != tc.want {
				t.Errorf("%s: got %v, want %s", name, err, tc.want)
			}
		}
		// Nothing was stored by the refused uploads, and a good one still works.
		var n int
		_ = srv.Store.DB().QueryRow(`SELECT COUNT(*) FROM case_images`).Scan(&n)
		if n != 0 {
			t.Errorf("%d images stored by refused uploads", n)
		}
		if _, err := upload(api, pass, front, good); err != nil {
			t.Fatalf("good upload after bad ones: %v", err)
		}
		// Liveness bounds.
		ctx := context.Background()
		if _, err := api.SubmitLiveness(ctx, livenessReq(t, api, 1)); slug(err) != "invalid_request" {
			t.Errorf("one frame: %v", err)
		}
		bad := livenessReq(t, api, 4)
		bad.Frames[2].Image = []byte("nope")
		if _, err := api.SubmitLiveness(ctx, bad); slug(err) != "invalid_request" || !strings.Contains(err.Error(), "frames[2]") {
			t.Errorf("bad frame: %v", err)
		}

		// A widget token acts on its own user only; a forged or absent one gets nothing.
		bob, _ := widgetFor(t, srv, p, "bob")
		st, err := bob.GetStatus(ctx, &widgetv1.GetStatusRequest{})
		if err != nil || st.GetState().GetStatus() != kyc.NotStarted.Proto() {
			t.Fatalf("bob: %v %v", st, err)
		}
		if _, err := bob.SubmitCase(ctx, &widgetv1.SubmitCaseRequest{}); slug(err) != "invalid_request" {
			t.Errorf("bob submits mallory's case? %v", err)
		}
		forged := rpc.New(srv.URL, rpc.HTTPTransport(http.DefaultClient))
		forged.SetToken("rpw_" + strings.Repeat("A", 43))
		if _, err := forged.GetStatus(ctx, &widgetv1.GetStatusRequest{}); slug(err) != "unauthorized" {
			t.Errorf("forged widget token: %v", err)
		}
		if _, err := upload(forged, pass, front, good); slug(err) != "unauthorized" {
			t.Errorf("forged upload: %v", err)
		}
		// The partner's client token is not a widget token.
		partnerTok := rpc.New(srv.URL, rpc.HTTPTransport(http.DefaultClient))
		partnerTok.SetToken(p.ClientToken)
		if _, err := partnerTok.GetStatus(ctx, &widgetv1.GetStatusRequest{}); slug(err) != "unauthorized" {
			t.Errorf("client token on widget API: %v", err)
		}
	})
}

// livenessReq starts the selfie step and returns n frames (100 ms apart, step 0) for
// its challenge: enough for intake, not a live person.
func livenessReq(t testing.TB, api rpc.API, n int) *widgetv1.SubmitLivenessRequest {
	t.Helper()
	ch, err := api.StartLiveness(context.Background(), &widgetv1.StartLivenessRequest{})
	if err != nil {
		t.Fatalf("start liveness: %v", err)
	}
	req := &widgetv1.SubmitLivenessRequest{ChallengeId: ch.GetChallengeId()}
	for i, f := range qualitytest.FaceFrames(9, n, 480, 360) {
		req.Frames = append(req.Frames, &widgetv1.LivenessFrame{Image: jpegBytes(t, f, 80), AtMs: int32(100 * i)})
	}
	return req
}

// pngBomb is a PNG header claiming w×h pixels with a valid CRC and almost no data.
func pngBomb(w, h uint32) []byte {
	var b bytes.Buffer
	b.Write([]byte("\x89PNG\r\n\x1a\n"))
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2
	chunk := append([]byte("IHDR"), ihdr...)
	_ = binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}
