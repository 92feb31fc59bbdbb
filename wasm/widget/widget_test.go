//go:build !js

package widget

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/liveness"
	"github.com/rampart-id/rampart/quality/qualitytest"
	"github.com/rampart-id/rampart/wasm/rpc"
)

// fakeAPI is an in-memory rpc.API that records the calls the widget makes.
type fakeAPI struct {
	mu        sync.Mutex
	calls     []string
	token     string
	start     *widgetv1.StartSessionResponse
	startErr  error
	watch     chan *widgetv1.KycState // states WatchStatus delivers
	watchErr  error                   // WatchStatus fails at once (polling fallback)
	status    *widgetv1.KycState      // what GetStatus returns
	rejectAs  string                  // UploadDocument reports this reason, not accepted
	liveness  *widgetv1.SubmitLivenessRequest
	moves     []widgetv1.LivenessMove // the challenge StartLiveness draws (default: left, closer)
	issued    int                     // challenges drawn
	submitted *widgetv1.KycState
	startReq  *widgetv1.StartSessionRequest
	handoff   *widgetv1.CreateHandoffResponse // what CreateHandoff returns
	redeemErr error                           // RedeemHandoff fails so
	consented bool                            // RecordConsent was called: capture is allowed, as on the server
	startWait chan struct{}                   // when set, StartSession answers once it is closed
}

var _ rpc.API = (*fakeAPI)(nil)

func (a *fakeAPI) record(c string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls = append(a.calls, c)
}

func (a *fakeAPI) Calls() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.calls)
}

func (a *fakeAPI) StartSession(_ context.Context, req *widgetv1.StartSessionRequest) (*widgetv1.StartSessionResponse, error) {
	a.record("start:" + req.GetInitToken())
	if a.startWait != nil {
		<-a.startWait
	}
	a.mu.Lock()
	a.startReq = req
	a.mu.Unlock()
	return a.start, a.startErr
}

func (a *fakeAPI) GetStatus(context.Context, *widgetv1.GetStatusRequest) (*widgetv1.GetStatusResponse, error) {
	a.record("status")
	a.mu.Lock()
	defer a.mu.Unlock()
	return &widgetv1.GetStatusResponse{State: a.status}, nil
}

func (a *fakeAPI) WatchStatus(ctx context.Context, fn func(*widgetv1.KycState)) error {
	a.record("watch")
	if a.watchErr != nil {
		return a.watchErr
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case st := <-a.watch:
			fn(st)
		}
	}
}

func (a *fakeAPI) RecordConsent(_ context.Context, req *widgetv1.RecordConsentRequest) (*widgetv1.RecordConsentResponse, error) {
	a.record("consent:" + req.GetLanguage())
	a.mu.Lock()
	defer a.mu.Unlock()
	a.consented = true
	return &widgetv1.RecordConsentResponse{TextVersion: req.GetLanguage() + "-test"}, nil
}

// noConsent is the server's refusal of a capture the user has not agreed to.
func (a *fakeAPI) noConsent() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.consented || a.start.GetConsentGiven() {
		return nil
	}
	return &rpc.Error{Code: "failed_precondition", Slug: "consent_required"}
}

func (a *fakeAPI) UploadDocument(_ context.Context, req *widgetv1.UploadDocumentRequest) (*widgetv1.UploadDocumentResponse, error) {
	if err := a.noConsent(); err != nil {
		return nil, err
	}
	side := strings.ToLower(strings.TrimPrefix(req.GetSide().String(), "DOCUMENT_SIDE_"))
	a.record("upload:" + side + ":" + docKey(req.GetDocumentType()))
	if len(req.GetImage()) < 1000 {
		return nil, &rpc.Error{Code: "invalid_argument", Slug: "invalid_request"}
	}
	if a.rejectAs != "" {
		return &widgetv1.UploadDocumentResponse{DocumentId: "d", Accepted: false, Quality: []*widgetv1.QualityCheck{
			{Name: "resolution", Passed: true}, {Name: "glare", Passed: false, Reason: a.rejectAs}}}, nil
	}
	return &widgetv1.UploadDocumentResponse{DocumentId: "d", Accepted: true}, nil
}

func (a *fakeAPI) StartLiveness(context.Context, *widgetv1.StartLivenessRequest) (*widgetv1.StartLivenessResponse, error) {
	if err := a.noConsent(); err != nil {
		return nil, err
	}
	a.record("challenge")
	a.mu.Lock()
	defer a.mu.Unlock()
	a.issued++
	moves := a.moves
	if moves == nil {
		moves = liveness.Challenge{liveness.TurnLeft, liveness.Closer}.Proto()
	}
	return &widgetv1.StartLivenessResponse{ChallengeId: fmt.Sprintf("lch_%d", a.issued), Moves: moves}, nil
}

func (a *fakeAPI) SubmitLiveness(_ context.Context, req *widgetv1.SubmitLivenessRequest) (*widgetv1.SubmitLivenessResponse, error) {
	a.record("liveness")
	a.mu.Lock()
	a.liveness = req
	a.mu.Unlock()
	return &widgetv1.SubmitLivenessResponse{Frames: int32(len(req.GetFrames()))}, nil
}

func (a *fakeAPI) SubmitCase(context.Context, *widgetv1.SubmitCaseRequest) (*widgetv1.SubmitCaseResponse, error) {
	a.record("submit")
	st := a.submitted
	if st == nil {
		st = &widgetv1.KycState{Status: kycv1.KycStatus_KYC_STATUS_PENDING, AttemptsRemaining: 2}
	}
	return &widgetv1.SubmitCaseResponse{State: st}, nil
}

func (a *fakeAPI) SetToken(t string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.token = t
}

var partnerOrigins = []string{"https://wallet.example", "https://app.wallet.example"}

func session(status kycv1.KycStatus) *widgetv1.StartSessionResponse {
	return &widgetv1.StartSessionResponse{
		WidgetToken: "rpw_test", PartnerName: "Acme Wallet", PartnerOrigins: partnerOrigins,
		PrivacyUrl: "https://wallet.example/privacy", SupportUrl: "https://wallet.example/help",
		ImageRetentionDays: 30, IdentityRetentionDays: 1825,
		State: &widgetv1.KycState{Status: status, AttemptsRemaining: 3},
		Order: &kycv1.Order{Type: "buy", Currency: "BTC", Network: "bitcoin", FiatCurrency: "EUR",
			FiatAmount: "100.00", WalletAddress: "bc1qexamplewallet"},
	}
}

// harness runs a widget against a fake browser and API until the test ends.
type harness struct {
	t   *testing.T
	b   *FakeBrowser
	api *fakeAPI
}

// run starts a widget whose selfie step sees a cooperative person (fakeUser).
func run(t *testing.T, api *fakeAPI, opts Options, setup ...func(*FakeBrowser)) *harness {
	t.Helper()
	return runWith(t, api, opts, func(b *FakeBrowser) poseFinder { return &fakeUser{b: b} }, setup...)
}

// runWith starts a widget whose selfie step measures poses with the finder made by
// person (nil: the real networks, with weights fetched from the fake browser).
func runWith(t *testing.T, api *fakeAPI, opts Options, person func(*FakeBrowser) poseFinder, setup ...func(*FakeBrowser)) *harness {
	t.Helper()
	if api.watch == nil {
		api.watch = make(chan *widgetv1.KycState, 4)
	}
	if opts.Token == "" {
		opts.Token = "rpi_test"
	}
	b := NewFakeBrowser()
	for _, f := range setup {
		f(b)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		wd := New(b, api, opts)
		if person != nil {
			wd.faces.f = person(b)
		}
		_ = wd.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		for _, v := range b.Renders() { // the page's CSP forbids inline styles
			if strings.Contains(v.HTML, "style=") {
				t.Errorf("screen %s has a style attribute", v.Name)
			}
		}
	})
	return &harness{t: t, b: b, api: api}
}

func (h *harness) screen(name string) {
	h.t.Helper()
	if err := h.b.WaitScreen(name); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) click(id string) {
	h.t.Helper()
	if err := h.b.Click(id); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) contains(texts ...string) {
	h.t.Helper()
	html := h.b.HTML()
	for _, s := range texts {
		if !strings.Contains(html, esc(s)) {
			h.t.Errorf("screen %s lacks %q", h.b.Screen(), s)
		}
	}
}

func (h *harness) lacks(id string) {
	h.t.Helper()
	if h.b.Has(id) {
		h.t.Errorf("screen %s has #%s", h.b.Screen(), id)
	}
}

// types lists the types of the posted events, once per event (not per origin).
func (h *harness) types() []string {
	var out []string
	for _, p := range h.b.Posted() {
		if p.Origin == partnerOrigins[0] && p.Msg["type"] != "resize" {
			s := p.Msg["type"]
			if st := p.Msg["status"]; st != "" {
				s += ":" + st
			}
			out = append(out, s)
		}
	}
	return out
}

// captureDocument takes a photo with the camera and accepts it.
func (h *harness) captureDocument(screen string) {
	h.t.Helper()
	h.screen(screen)
	h.click("capture")
	h.screen("review-image")
	h.contains("In focus", "Use this photo")
	h.click("accept")
}

func (h *harness) waitCalls(want ...string) {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !slices.Equal(h.api.Calls(), want) {
		if time.Now().After(deadline) {
			h.t.Fatalf("API calls = %q, want %q", h.api.Calls(), want)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestFirstTimeHappyPathIDCard(t *testing.T) {
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, Options{Lang: "en"})
	h.screen("consent")
	h.contains("Acme Wallet needs to confirm who you are")
	h.click("agree")
	h.screen("doc-type")
	h.contains("Step 1 of 3")
	h.click("doc-national_id")
	h.screen("capture-front")
	if !h.b.Has("viewfinder") || !h.b.Has("file-input") || !h.b.Has("upload-file") {
		t.Fatalf("capture screen lacks viewfinder or upload: %s", h.b.HTML())
	}
	h.captureDocument("capture-front")
	h.captureDocument("capture-back")
	h.screen("liveness-intro")
	h.contains("Step 2 of 3")
	h.click("start-liveness")
	h.screen("verifying")
	h.contains("Step 3 of 3", "Typical verification time is a few minutes")
	h.waitCalls("start:rpi_test", "consent:en", "upload:front:national_id", "upload:back:national_id", "challenge", "liveness", "submit", "watch")

	h.api.mu.Lock()
	lv := h.api.liveness
	h.api.mu.Unlock()
	// Two straight-ahead frames, then two for each of the two moves.
	var steps []int32
	for _, f := range lv.GetFrames() {
		steps = append(steps, f.GetStep())
	}
	if !slices.Equal(steps, []int32{0, 0, 1, 1, 2, 2}) || lv.GetChallengeId() != "lch_1" {
		t.Errorf("liveness: steps %v, challenge %q", steps, lv.GetChallengeId())
	}

	// The decision arrives on the status stream.
	h.api.watch <- &widgetv1.KycState{Status: kycv1.KycStatus_KYC_STATUS_PENDING}
	h.api.watch <- &widgetv1.KycState{Status: kycv1.KycStatus_KYC_STATUS_VERIFIED}
	h.screen("verified")
	h.click("continue")
	h.screen("payment")
	h.contains("Buy BTC for €100.00", "bc1qexamplewallet", "not available yet")

	want := []string{"ready", "kyc_started", "kyc_submitted", "kyc_status_changed:pending", "kyc_status_changed:verified", "payment_step"}
	if got := h.types(); !slices.Equal(got, want) {
		t.Errorf("events = %q, want %q", got, want)
	}
	h.click("close")
	if err := h.b.Wait(time.Second, "close", func() bool { return len(h.b.posted) > 0 && h.b.posted[len(h.b.posted)-1].Msg["type"] == "close" }); err != nil {
		t.Fatal(err)
	}
	if got := h.b.Navigated(); len(got) != 0 {
		t.Errorf("a framed widget navigated on close: %v", got)
	}
}

func TestPassportSkipsBackSide(t *testing.T) {
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, Options{})
	h.click("agree")
	h.click("doc-passport")
	h.captureDocument("capture-front")
	h.screen("liveness-intro")
	h.click("start-liveness")
	h.screen("verifying")
	h.waitCalls("start:rpi_test", "consent:en", "upload:front:passport", "challenge", "liveness", "submit", "watch")
}

// TestUnreadableDocumentSaidAtOnce: a passport photo whose zone cannot be read is
// flagged on the review screen, in words saying which part to show, with "Retake"
// first; the same page with its zone passes.
func TestUnreadableDocumentSaidAtOnce(t *testing.T) {
	// A page with text-like fields but no machine-readable zone.
	blank := qualitytest.Document(3, 1600, 1000)
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, Options{}, func(b *FakeBrowser) { b.DocImage = blank })
	h.click("agree")
	h.click("doc-passport")
	h.screen("capture-front")
	h.click("capture")
	h.screen("review-image")
	h.contains("We can't read the lines at the bottom of the photo page")
	if !h.b.Has("data-unreadable") {
		t.Error("no unreadable-data item")
	}
	if html := h.b.HTML(); strings.Index(html, `id="retake"`) > strings.Index(html, `id="accept"`) {
		t.Error("an unreadable photo should offer Retake first")
	}
	h.b.mu.Lock()
	h.b.DocImage = nil // the default camera picture: a generated passport page
	h.b.mu.Unlock()
	h.click("retake")
	h.screen("capture-front")
	h.click("capture")
	h.screen("review-image")
	h.contains("Document data read")
	if !h.b.Has("data-read") {
		t.Errorf("no data-read item: %s", h.b.HTML())
	}
}

func TestReturningVerifiedGoesToPayment(t *testing.T) {
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_VERIFIED)}, Options{})
	h.screen("payment")
	h.contains("Buy BTC for €100.00", "Payment processing is not available yet")
	if got := h.types(); !slices.Equal(got, []string{"ready", "payment_step"}) {
		t.Errorf("events = %q", got)
	}
}

func TestVerifiedWithoutOrder(t *testing.T) {
	s := session(kycv1.KycStatus_KYC_STATUS_VERIFIED)
	s.Order = nil
	h := run(t, &fakeAPI{start: s}, Options{})
	h.screen("payment")
	h.contains("Verification complete")
	h.click("close")
}

func TestPendingShowsReviewAndPollsWhenStreamFails(t *testing.T) {
	api := &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_PENDING), watchErr: &rpc.Error{Code: "unavailable"},
		status: &widgetv1.KycState{Status: kycv1.KycStatus_KYC_STATUS_PENDING}}
	h := run(t, api, Options{})
	h.screen("pending")
	h.contains("We're reviewing your documents")
	h.lacks("try-again")
	// Polling (GetStatus) takes over from the broken stream and sees the decision.
	h.api.mu.Lock()
	h.api.status = &widgetv1.KycState{Status: kycv1.KycStatus_KYC_STATUS_VERIFIED}
	h.api.mu.Unlock()
	h.screen("verified")
	if !slices.Contains(h.api.Calls(), "status") {
		t.Error("no GetStatus polling")
	}
}

func TestFailedWithAttemptsCanTryAgain(t *testing.T) {
	s := session(kycv1.KycStatus_KYC_STATUS_FAILED)
	s.State.FailureReasons = []string{"image_blurry", "document_missing_side", "some_new_code"}
	s.State.AttemptsRemaining = 2
	h := run(t, &fakeAPI{start: s}, Options{})
	h.screen("failed")
	h.contains("The photo is blurry", "A side of the document is missing",
		"We couldn't verify your documents. Please try again", "You have 2 attempts left.")
	h.click("try-again")
	h.screen("doc-type")
}

func TestFailedWithoutAttemptsIsFinal(t *testing.T) {
	s := session(kycv1.KycStatus_KYC_STATUS_FAILED)
	s.State.FailureReasons = []string{kyc.ReasonFaceMismatch}
	s.State.AttemptsRemaining = 0
	h := run(t, &fakeAPI{start: s}, Options{})
	h.screen("failed")
	h.lacks("try-again")
	h.contains("contact Acme Wallet support", "doesn't match the photo on your document")
	if !h.b.Has("close") {
		t.Error("no close button")
	}
}

func TestCameraDeniedOffersGuidanceAndUpload(t *testing.T) {
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, Options{},
		func(b *FakeBrowser) { b.SetCamera(CameraAvailable, ErrCameraDenied) })
	h.click("agree")
	h.click("doc-drivers_licence")
	h.screen("camera-denied")
	h.contains("Settings › Safari › Camera", "Website Settings", "lock icon", "Permissions › Camera",
		"open this page in your browser")
	if !h.b.Has("retry-camera") || !h.b.Has("upload-file") {
		t.Fatal("camera-denied lacks #retry-camera or #upload-file")
	}
	// An unreadable file gets a message, a good one goes to review and upload.
	if err := h.b.PickUnreadableFile(); err != nil {
		t.Fatal(err)
	}
	if err := h.b.Wait(time.Second, "notice", func() bool { return strings.Contains(h.b.html, "couldn") }); err != nil {
		t.Fatal(err)
	}
	if err := h.b.PickFile(qualitytest.Document(5, 2400, 1500)); err != nil {
		t.Fatal(err)
	}
	h.screen("review-image")
	h.click("accept")
	h.screen("camera-denied") // the back side: the camera is still blocked
	h.waitCalls("start:rpi_test", "consent:en", "upload:front:drivers_licence")
	// Allowing the camera and retrying brings the viewfinder back.
	h.b.SetCamera(CameraAvailable, nil)
	h.click("retry-camera")
	h.captureDocument("capture-back")
	h.screen("liveness-intro")
}

func TestNoCameraUploadsDocumentsButNotSelfie(t *testing.T) {
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, Options{},
		func(b *FakeBrowser) { b.SetCamera(CameraNone, nil) })
	h.click("agree")
	h.click("doc-passport")
	h.screen("capture-front")
	h.lacks("capture")
	h.contains("No camera was found")
	if err := h.b.PickFile(qualitytest.Document(6, 1600, 1000)); err != nil {
		t.Fatal(err)
	}
	h.screen("review-image")
	h.click("accept")
	h.screen("liveness-intro")
	h.click("start-liveness")
	h.screen("no-camera")
	h.contains("The selfie needs a camera. Continue on your phone")
	if !h.b.Has("retry-camera") || !h.b.Has("handoff") {
		t.Error("no #retry-camera or #handoff")
	}
}

func TestLivenessCameraDenied(t *testing.T) {
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, Options{})
	h.click("agree")
	h.click("doc-passport")
	h.captureDocument("capture-front")
	h.b.SetCamera(CameraAvailable, ErrCameraDenied)
	h.click("start-liveness")
	h.screen("camera-denied")
	h.lacks("file-input") // a selfie cannot be uploaded
	h.contains("Step 2 of 3")
}

func TestQualityFeedback(t *testing.T) {
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED), rejectAs: "image_glare"}, Options{},
		func(b *FakeBrowser) { b.SetCamera(CameraNone, nil) })
	h.click("agree")
	h.click("doc-passport")
	h.screen("capture-front")
	// A blurry photo fails locally: retake is recommended, "Use anyway" remains.
	if err := h.b.PickFile(qualitytest.Blur(qualitytest.Document(7, 1600, 1000), 6)); err != nil {
		t.Fatal(err)
	}
	h.screen("review-image")
	h.contains("The photo is blurry", "Use anyway", "Good lighting")
	h.click("retake")
	h.screen("capture-front")
	// A photo that passes locally but that the server rejects shows the server's verdict,
	// and keeping it does not upload it again.
	if err := h.b.PickFile(qualitytest.Document(7, 1600, 1000)); err != nil {
		t.Fatal(err)
	}
	h.screen("review-image")
	h.click("accept")
	if err := h.b.Wait(5*time.Second, "server verdict", func() bool { return strings.Contains(h.b.html, "Server check") }); err != nil {
		t.Fatal(err)
	}
	h.contains("There is glare on the document", "Use anyway")
	h.click("accept")
	h.screen("liveness-intro")
	h.waitCalls("start:rpi_test", "consent:en", "upload:front:passport")
}

func TestSessionAlreadyUsed(t *testing.T) {
	h := run(t, &fakeAPI{startErr: &rpc.Error{Code: "already_exists", Slug: "session_already_used"}}, Options{})
	h.screen("error")
	if got := h.b.Attr("data-error-code"); got != "session_already_used" {
		t.Errorf("data-error-code = %q", got)
	}
	h.contains("This link was already used")
	h.lacks("retry")
	h.click("close")
	if n := len(h.b.Posted()); n != 0 {
		t.Errorf("posted %d messages before knowing the partner's origins", n)
	}
}

func TestErrorSlugs(t *testing.T) {
	for _, tc := range []struct {
		err   error
		slug  string
		retry bool
		text  string
	}{
		{&rpc.Error{Slug: "session_expired"}, "session_expired", false, "This link has expired"},
		{&rpc.Error{Code: "unauthenticated"}, "unauthorized", false, "This link is not valid"},
		{&rpc.Error{Code: "unavailable"}, "unavailable", true, "Check your connection"},
		{fmt.Errorf("boom"), "internal_error", true, "Something went wrong on our side"},
	} {
		t.Run(tc.slug, func(t *testing.T) {
			h := run(t, &fakeAPI{startErr: tc.err}, Options{})
			h.screen("error")
			if got := h.b.Attr("data-error-code"); got != tc.slug {
				t.Errorf("data-error-code = %q", got)
			}
			h.contains(tc.text)
			if h.b.Has("retry") != tc.retry {
				t.Errorf("retry button: %v, want %v", h.b.Has("retry"), tc.retry)
			}
		})
	}
}

func TestMissingToken(t *testing.T) {
	api := &fakeAPI{}
	b := NewFakeBrowser()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go New(b, api, Options{}).Run(ctx)
	if err := b.WaitScreen("error"); err != nil {
		t.Fatal(err)
	}
	if b.Attr("data-error-code") != "missing_token" || len(api.Calls()) != 0 {
		t.Errorf("code %q, calls %q", b.Attr("data-error-code"), api.Calls())
	}
}

func TestPostMessageOnlyToPartnerOrigins(t *testing.T) {
	s := session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)
	s.PartnerOrigins = append(s.PartnerOrigins, "*", "javascript:alert(1)")
	h := run(t, &fakeAPI{start: s}, Options{})
	h.screen("consent")
	h.click("agree")
	h.screen("doc-type")
	posted := h.b.Posted()
	if len(posted) != 2*len(partnerOrigins) {
		t.Fatalf("posted %d messages, want %d", len(posted), 2*len(partnerOrigins))
	}
	for _, p := range posted {
		if !slices.Contains(partnerOrigins, p.Origin) || p.Msg["source"] != "rampart" {
			t.Errorf("posted %v to %q", p.Msg, p.Origin)
		}
	}

	s = session(kycv1.KycStatus_KYC_STATUS_VERIFIED)
	s.PartnerOrigins = nil
	h = run(t, &fakeAPI{start: s}, Options{})
	h.screen("payment")
	if n := len(h.b.Posted()); n != 0 {
		t.Errorf("posted %d messages with no registered origins", n)
	}
}

func TestSpanish(t *testing.T) {
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, ParseOptions("#token=rpi_x&lang=es", "en-US"))
	h.screen("consent")
	h.contains("Verifica tu identidad", "Acepto")
	h.click("agree")
	h.screen("doc-type")
	h.contains("Paso 1 de 3", "Pasaporte", "Permiso de conducir")
	if lang, _ := h.b.Theme(); lang != "es" {
		t.Errorf("document lang %q", lang)
	}
}

func TestStatusChangeOnVerifying(t *testing.T) {
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, Options{})
	h.click("agree")
	h.click("doc-passport")
	h.captureDocument("capture-front")
	h.click("start-liveness")
	h.screen("verifying")
	h.api.watch <- &widgetv1.KycState{Status: kycv1.KycStatus_KYC_STATUS_PENDING}
	h.api.watch <- &widgetv1.KycState{Status: kycv1.KycStatus_KYC_STATUS_FAILED, AttemptsRemaining: 1,
		FailureReasons: []string{kyc.ReasonLivenessChallenge}}
	h.screen("failed")
	h.contains("We couldn't see the head movements we asked for", "You have 1 attempt left.")
	if got := h.types(); got[len(got)-1] != "kyc_status_changed:failed" {
		t.Errorf("events %q", got)
	}
}

func TestEveryScreenHasAHeadingAndAnnouncement(t *testing.T) {
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, Options{})
	h.click("agree")
	h.click("doc-passport")
	h.captureDocument("capture-front")
	h.click("start-liveness")
	h.screen("verifying")
	for _, v := range h.b.Renders() {
		if !strings.Contains(v.HTML, `<h1 tabindex="-1"`) || v.Announce == "" {
			t.Errorf("screen %s: heading or announcement missing", v.Name)
		}
	}
}

func TestParseOptions(t *testing.T) {
	o := ParseOptions("#token=rpi_abc&lang=es-MX&accent=%23FF5A00", "en")
	if o.Token != "rpi_abc" || o.Lang != "es" || o.Accent != "#ff5a00" {
		t.Errorf("%+v", o)
	}
	for _, tc := range []struct{ frag, nav, lang, accent string }{
		{"", "es-ES", "es", ""},
		{"lang=fr-CA", "de", "fr", ""}, {"lang=it", "de-AT", "de", ""}, {"lang=it", "pt", "en", ""},
		{"accent=red", "", "en", ""},
		{"accent=%23abc", "", "en", "#aabbcc"},
		{"accent=%23ff5a00;}body{", "", "en", ""},
	} {
		o := ParseOptions(tc.frag, tc.nav)
		if o.Lang != tc.lang || o.Accent != tc.accent {
			t.Errorf("ParseOptions(%q, %q) = %+v", tc.frag, tc.nav, o)
		}
	}
	if onAccent("#ffdd00") != "#111111" || onAccent("#1a4dff") != "#ffffff" {
		t.Error("onAccent picks the wrong text colour")
	}
}

func TestPatchHTML(t *testing.T) {
	doc := `<div id="a"><div>x</div><p id="b">old <span>y</span></p></div><p>z</p>`
	if got := patchHTML(doc, "b", "new"); got != `<div id="a"><div>x</div><p id="b">new</p></div><p>z</p>` {
		t.Error(got)
	}
	if got := patchHTML(doc, "a", ""); got != `<div id="a"></div><p>z</p>` {
		t.Error(got)
	}
}
