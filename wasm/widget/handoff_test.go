//go:build !js

package widget

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/wasm/rpc"
)

const testLink = `https://kyc.example/embed/app?widget_id=wdg_1#handoff=rph_"<x>`

func (a *fakeAPI) CreateHandoff(context.Context, *widgetv1.CreateHandoffRequest) (*widgetv1.CreateHandoffResponse, error) {
	a.record("handoff")
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.handoff != nil {
		return a.handoff, nil
	}
	// A 21×21 code with a dark first row and a checkerboard below.
	mods := make([]byte, 21*21)
	for i := range mods {
		if i < 21 || (i/21+i%21)%2 == 0 {
			mods[i] = 1
		}
	}
	return &widgetv1.CreateHandoffResponse{Url: testLink, ExpiresAt: timestamppb.New(time.Now().Add(10 * time.Minute)),
		ValidSeconds: 600, QrSize: 21, QrModules: mods}, nil
}

func (a *fakeAPI) RedeemHandoff(_ context.Context, req *widgetv1.RedeemHandoffRequest) (*widgetv1.RedeemHandoffResponse, error) {
	a.record("redeem:" + req.GetCode())
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.redeemErr != nil {
		return nil, a.redeemErr
	}
	return &widgetv1.RedeemHandoffResponse{Session: a.start}, nil
}

func desktop(b *FakeBrowser) { b.IsDesktop = true }

// TestHandoffDesktopFollowsPhone: on a computer the document step offers the phone; the
// handoff screen shows the link (escaped) and its QR code, follows the phone's progress
// to the decision and continues to the payment step.
func TestHandoffDesktopFollowsPhone(t *testing.T) {
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, Options{}, desktop)
	h.click("agree")
	h.screen("doc-type")
	h.click("handoff")
	h.screen("handoff")
	h.contains("Scan this code", "The code works once, for 10 minutes.", "Waiting for your phone…", testLink)
	html := h.b.HTML()
	if !strings.Contains(html, `data-handoff-url="`+esc(testLink)+`"`) || strings.Contains(html, `"<x>`) {
		t.Fatalf("link not escaped into the page: %s", html)
	}
	// One rect per run of dark modules: the first row is one run of 21, the
	// checkerboard's other rows ten or eleven single modules each.
	rects := regexp.MustCompile(`<rect x="(\d+)" y="(\d+)" width="(\d+)" height="1"/>`).FindAllStringSubmatch(html, -1)
	if len(rects) != 1+20*21/2 || rects[0][1] != "4" || rects[0][2] != "4" || rects[0][3] != "21" {
		t.Fatalf("%d rects, first %v", len(rects), rects[0])
	}
	if !strings.Contains(html, `role="img" aria-label="QR code that opens the verification on your phone"`) {
		t.Error("the QR code has no accessible name")
	}
	// The phone submits, then the decision comes.
	h.api.watch <- &widgetv1.KycState{Status: kycv1.KycStatus_KYC_STATUS_PENDING}
	h.screen("verifying")
	h.api.watch <- &widgetv1.KycState{Status: kycv1.KycStatus_KYC_STATUS_VERIFIED}
	h.screen("verified")
	h.click("continue")
	h.screen("payment")
	h.waitCalls("start:rpi_test", "consent:en", "handoff", "watch", "watch")
}

// TestHandoffContinueHere: the user may stay on the computer.
func TestHandoffContinueHere(t *testing.T) {
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, Options{}, desktop)
	h.click("agree")
	h.click("handoff")
	h.screen("handoff")
	h.click("handoff-here")
	h.screen("doc-type")
}

// TestHandoffNotOfferedOnPhone: a phone is not offered another phone, neither on the
// document step nor (a handoff page) when it has no camera.
func TestHandoffNotOfferedOnPhone(t *testing.T) {
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, Options{})
	h.click("agree")
	h.screen("doc-type")
	h.lacks("handoff")

	api := &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}
	h = run(t, api, Options{Token: "-", Handoff: "rph_code", WidgetID: "wdg_1"}, desktop, func(b *FakeBrowser) { b.SetCamera(CameraNone, nil) })
	h.screen("consent")
	h.click("agree")
	h.screen("doc-type")
	h.lacks("handoff")
	h.waitCalls("redeem:rph_code", "consent:en")
	h.api.mu.Lock()
	tok := h.api.token
	h.api.mu.Unlock()
	if tok != "rpw_test" {
		t.Errorf("token after redeem %q", tok)
	}
}

// TestNoCameraSelfieOffersPhone: the selfie step without a camera is no dead end.
func TestNoCameraSelfieOffersPhone(t *testing.T) {
	s := session(kycv1.KycStatus_KYC_STATUS_FAILED)
	s.State.FailureReasons = []string{kyc.ReasonLivenessChallenge}
	s.ConsentGiven = true
	h := run(t, &fakeAPI{start: s}, Options{}, func(b *FakeBrowser) { b.SetCamera(CameraNone, nil) })
	h.click("try-again")
	h.click("start-liveness")
	h.screen("no-camera")
	h.click("handoff")
	h.screen("handoff")
	h.click("handoff-here")
	h.screen("no-camera")
	// On the handoff screen, the earlier failure streamed again is not news; a new one
	// (fewer attempts left) is shown even if the pending state in between was missed.
	h.click("handoff")
	h.screen("handoff")
	h.api.watch <- &widgetv1.KycState{Status: kycv1.KycStatus_KYC_STATUS_FAILED, AttemptsRemaining: 3,
		FailureReasons: []string{kyc.ReasonLivenessChallenge}}
	h.api.watch <- &widgetv1.KycState{Status: kycv1.KycStatus_KYC_STATUS_FAILED, AttemptsRemaining: 2,
		FailureReasons: []string{kyc.ReasonDocumentExpired}}
	h.screen("failed")
	h.contains("You have 2 attempts left.")
}

// TestHandoffLinkUsedOrExpired: the phone says what to do on the computer.
func TestHandoffLinkUsedOrExpired(t *testing.T) {
	for slug, text := range map[string]string{
		"session_already_used": "This link was already used. On your computer",
		"session_expired":      "This link has expired. On your computer",
		"unauthorized":         "This link is not valid.",
	} {
		api := &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED), redeemErr: &rpc.Error{Code: "failed_precondition", Slug: slug}}
		h := run(t, api, Options{Handoff: "rph_code"})
		h.screen("error")
		h.contains("This phone link can't be used", text)
		h.lacks("retry")
		if h.b.Attr("data-error-code") != slug {
			t.Errorf("%s: error code %q", slug, h.b.Attr("data-error-code"))
		}
	}
}

// TestTryAgainRedoesOnlyTheFailedStep: a selfie-only failure goes straight to the
// selfie; the next submission uploads no document. A document failure starts over.
func TestTryAgainRedoesOnlyTheFailedStep(t *testing.T) {
	s := session(kycv1.KycStatus_KYC_STATUS_FAILED)
	s.State.FailureReasons = []string{kyc.ReasonLivenessChallenge, kyc.ReasonSelfieFace}
	s.ConsentGiven = true // agreed before the failed attempt
	h := run(t, &fakeAPI{start: s}, Options{})
	h.screen("failed")
	h.click("try-again")
	h.screen("liveness-intro")
	h.contains("Step 2 of 3", "Your document was accepted and is kept")
	h.click("start-liveness")
	h.screen("verifying")
	h.waitCalls("start:rpi_test", "challenge", "liveness", "submit", "watch")

	s = session(kycv1.KycStatus_KYC_STATUS_FAILED)
	s.State.FailureReasons = []string{kyc.ReasonLivenessChallenge, kyc.ReasonDocumentExpired}
	s.ConsentGiven = true
	h = run(t, &fakeAPI{start: s}, Options{})
	h.click("try-again")
	h.screen("doc-type")
	h.click("doc-passport")
	h.captureDocument("capture-front")
	h.screen("liveness-intro")
	if strings.Contains(h.b.HTML(), "is kept") {
		t.Error("a retry after a document failure says the document was kept")
	}
}

// TestQRSVGRefusesMalformedCodes: sizes out of range or a module count that does not
// match draw nothing rather than a wrong code.
func TestQRSVGRefusesMalformedCodes(t *testing.T) {
	for _, tc := range []struct {
		n    int
		mods []byte
	}{{0, nil}, {21, make([]byte, 20)}, {178, make([]byte, 178*178)}, {-1, nil}} {
		if s := qrSVG(tc.n, tc.mods, "x"); s != "" {
			t.Errorf("size %d, %d modules: drew %q", tc.n, len(tc.mods), s[:min(40, len(s))])
		}
	}
	if s := qrSVG(21, make([]byte, 21*21), `a"<b`); !strings.Contains(s, `aria-label="a&#34;&lt;b"`) || !strings.Contains(s, `viewBox="0 0 29 29"`) {
		t.Errorf("blank code: %s", s)
	}
}

// TestCameraDeniedSelfieOffersPhone: with the camera refused at the selfie, the phone is
// offered beside the guidance to allow it (a selfie cannot be uploaded from a file).
func TestCameraDeniedSelfieOffersPhone(t *testing.T) {
	s := session(kycv1.KycStatus_KYC_STATUS_FAILED)
	s.State.FailureReasons = []string{kyc.ReasonLivenessChallenge}
	s.ConsentGiven = true
	h := run(t, &fakeAPI{start: s}, Options{}, func(b *FakeBrowser) { b.SetCamera(CameraAvailable, ErrCameraDenied) })
	h.click("try-again")
	h.click("start-liveness")
	h.screen("camera-denied")
	h.click("handoff")
	h.screen("handoff")
}
