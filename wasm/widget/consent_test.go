//go:build !js

package widget

import (
	"slices"
	"strings"
	"testing"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
)

// serverConsent stands for the consent screen the server renders into the page.
var serverConsent = View{Name: "consent", HTML: `<div class="content"><h1>Verify</h1></div>` +
	`<div class="actions" id="actions"><button type="button" id="agree" class="btn primary">I agree</button></div>`}

func TestConsentBeforeCapture(t *testing.T) {
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, Options{Lang: "en"})
	h.screen("consent")
	h.contains("What we collect", "Why", "Who processes it", "Acme Wallet is responsible for your data",
		"Photos are deleted 30 days after the decision", "kept for 1825 days", "Acme Wallet's privacy policy")
	if !strings.Contains(h.b.HTML(), `<a href="https://wallet.example/privacy" target="_blank" rel="noopener noreferrer">`) {
		t.Errorf("no safe privacy link: %s", h.b.HTML())
	}
	if got := h.api.Calls(); !slices.Equal(got, []string{"start:rpi_test"}) {
		t.Fatalf("calls before the tap: %q", got)
	}
	h.click("agree")
	h.screen("doc-type")
	h.waitCalls("start:rpi_test", "consent:en")
	if types := h.types(); !slices.Contains(types, "kyc_started") {
		t.Errorf("events %q lack kyc_started", types)
	}
}

func TestConsentLinkOnlyForWebURLs(t *testing.T) {
	s := session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)
	s.PrivacyUrl = "javascript:alert(1)"
	h := run(t, &fakeAPI{start: s}, Options{Lang: "en"})
	h.screen("consent")
	if strings.Contains(h.b.HTML(), "<a ") || strings.Contains(h.b.HTML(), "javascript") {
		t.Errorf("unsafe link rendered: %s", h.b.HTML())
	}
}

// The server's consent screen is taken over, not redrawn: the tap on its button
// records the consent.
func TestServerConsentTakenOver(t *testing.T) {
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, Options{Lang: "en"},
		func(b *FakeBrowser) { b.ServerPage(serverConsent, false) })
	h.waitCalls("start:rpi_test")
	h.click("agree")
	h.screen("doc-type")
	h.waitCalls("start:rpi_test", "consent:en")
	for _, v := range h.b.Renders() {
		if v.Name == "loading" || v.Name == "consent" {
			t.Errorf("the widget redrew the server's first screen as %s", v.Name)
		}
	}
}

// A tap on the server's "I agree" after the widget took over but before the session is
// known shows "preparing" and continues once the session arrives.
func TestAgreeWhileSessionStarts(t *testing.T) {
	api := &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED), startWait: make(chan struct{})}
	h := run(t, api, Options{Lang: "en"}, func(b *FakeBrowser) { b.ServerPage(serverConsent, false) })
	h.waitCalls("start:rpi_test")
	h.click("agree")
	h.screen("preparing")
	close(api.startWait)
	h.screen("doc-type")
	h.waitCalls("start:rpi_test", "consent:en")
}

// A tap on "I agree" before the widget ran continues once the session is known.
func TestEarlyAgree(t *testing.T) {
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, Options{Lang: "es"},
		func(b *FakeBrowser) { b.ServerPage(serverConsent, true) })
	h.screen("doc-type")
	h.waitCalls("start:rpi_test", "consent:es")
}

// Returning users never see the consent again: verified goes to payment even after an
// early tap, and a case that holds the consent goes straight to the document.
func TestReturningUserSkipsConsent(t *testing.T) {
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_VERIFIED)}, Options{},
		func(b *FakeBrowser) { b.ServerPage(serverConsent, true) })
	h.screen("payment")
	s := session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)
	s.ConsentGiven = true
	h = run(t, &fakeAPI{start: s}, Options{}, func(b *FakeBrowser) { b.ServerPage(serverConsent, false) })
	h.screen("doc-type")
	if got := h.api.Calls(); slices.Contains(got, "consent:en") {
		t.Errorf("consent recorded again: %q", got)
	}
}

// With no attempts left the partner's support is one tap away; without a support URL
// the screen has no link.
func TestFinalFailureLinksSupport(t *testing.T) {
	s := session(kycv1.KycStatus_KYC_STATUS_FAILED)
	s.State.AttemptsRemaining = 0
	h := run(t, &fakeAPI{start: s}, Options{Lang: "es"})
	h.screen("failed")
	h.contains("Contactar con el soporte de Acme Wallet")
	if !strings.Contains(h.b.HTML(), `<a href="https://wallet.example/help" target="_blank" rel="noopener noreferrer">`) {
		t.Errorf("no support link: %s", h.b.HTML())
	}
	s = session(kycv1.KycStatus_KYC_STATUS_FAILED)
	s.State.AttemptsRemaining = 0
	s.SupportUrl = ""
	h = run(t, &fakeAPI{start: s}, Options{})
	h.screen("failed")
	if strings.Contains(h.b.HTML(), "<a ") {
		t.Errorf("a link without a support URL: %s", h.b.HTML())
	}
	s = session(kycv1.KycStatus_KYC_STATUS_FAILED) // attempts left: no support link yet
	h = run(t, &fakeAPI{start: s}, Options{})
	h.screen("failed")
	if strings.Contains(h.b.HTML(), "wallet.example/help") {
		t.Errorf("support link while attempts remain: %s", h.b.HTML())
	}
}

// A capture the server refuses for want of consent (a case from before consent was
// asked for) brings the consent screen, and the flow starts over once agreed.
func TestConsentRequiredByServerAsksForIt(t *testing.T) {
	s := session(kycv1.KycStatus_KYC_STATUS_FAILED)
	s.State.AttemptsRemaining = 2
	h := run(t, &fakeAPI{start: s}, Options{})
	h.screen("failed")
	h.click("try-again")
	h.screen("doc-type")
	h.click("doc-passport")
	h.captureDocument("capture-front")
	h.screen("consent")
	h.click("agree")
	h.screen("doc-type")
	h.waitCalls("start:rpi_test", "consent:en")
}
