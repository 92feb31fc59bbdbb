package e2e

import (
	"strings"
	"testing"

	browsertest "github.com/rampart-id/rampart/internal/browser"
)

// passport takes the widget from intro through a passport capture and the selfie
// sequence to the verifying screen.
func passport(x *w, doc string) {
	x.t.Helper()
	x.screen("doc-type")
	x.click("doc-passport")
	x.screen("capture-front")
	x.upload(doc)
	x.screen("review-image")
	x.click("accept")
	x.screen("liveness-intro")
	x.click("start-liveness")
}

func TestVerifiedAutomaticallyThenPaymentStep(t *testing.T) {
	e := newEnv(t)
	ctx := browsertest.New(t, browsertest.Options{Video: faceVideo()})
	x := openFromShop(t, ctx, e, "frank")
	x.screen("consent")
	x.click("agree")
	passport(x, documentFile(t, 51))
	x.screen("verified")
	if got := e.kycStatus(t, "frank"); got != "verified" {
		t.Fatalf("partner sees %q", got)
	}
	x.click("continue")
	x.screen("payment")
	if body := x.text("main#rampart"); !strings.Contains(body, "BTC") || !strings.Contains(body, "100") {
		t.Errorf("payment step does not show the order: %s", body)
	}
	// A returning verified user goes straight to payment.
	x = openFromShop(t, ctx, e, "frank")
	x.screen("payment")
}

func TestBlurryDocumentFailsThenRetrySucceeds(t *testing.T) {
	e := newEnv(t)
	ctx := browsertest.New(t, browsertest.Options{Video: faceVideo()})
	x := openFromShop(t, ctx, e, "gina")
	x.screen("consent")
	x.click("agree")
	passport(x, blurryDocumentFile(t, 61))
	x.screen("failed")
	if body := strings.ToLower(x.text("main#rampart")); !strings.Contains(body, "blur") {
		t.Errorf("failed screen does not explain the blur: %s", body)
	}
	x.click("try-again")
	passport(x, documentFile(t, 62))
	x.screen("verified")
	if got := e.kycStatus(t, "gina"); got != "verified" {
		t.Fatalf("partner sees %q", got)
	}
}

func TestThreeFailuresAreFinal(t *testing.T) {
	e := newEnv(t)
	ctx := browsertest.New(t, browsertest.Options{Video: faceVideo()})
	x := openFromShop(t, ctx, e, "hugo")
	x.screen("consent")
	x.click("agree")
	for attempt := 1; attempt <= 3; attempt++ {
		passport(x, blurryDocumentFile(t, int64(70+attempt)))
		x.screen("failed")
		if attempt < 3 {
			x.click("try-again")
		}
	}
	if x.has("#try-again") {
		t.Fatal("a fourth attempt is offered after three failures")
	}
	// Reopening the widget shows the same final state.
	x = openFromShop(t, ctx, e, "hugo")
	x.screen("failed")
	if x.has("#try-again") {
		t.Fatal("a fourth attempt is offered on return")
	}
}
