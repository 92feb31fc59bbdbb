//go:build !js

package widget

import (
	"slices"
	"testing"
	"time"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
)

// resizes returns the heights of the resize events sent to the first partner origin.
func (h *harness) resizes() []string { return resizesIn(h.b.Posted()) }

// resizesIn is resizes for a Wait condition, which runs with the browser locked.
func resizesIn(posted []Posted) []string {
	var out []string
	for _, p := range posted {
		if p.Origin == partnerOrigins[0] && p.Msg["type"] == "resize" {
			out = append(out, p.Msg["height"])
		}
	}
	return out
}

func TestContentHeightGoesToTheHostAsResizeEvents(t *testing.T) {
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, Options{})
	h.screen("consent")
	for _, px := range []int{640, 640, 700, 50, 99999} {
		h.b.SetHeight(px)
	}
	// Repeats are dropped; the height is clamped before it sizes the partner's iframe.
	want := []string{"640", "700", "200", "10000"}
	if err := h.b.Wait(time.Second, "resize events", func() bool { return len(resizesIn(h.b.posted)) >= len(want) }); err != nil {
		t.Fatalf("%v: got %v", err, h.resizes())
	}
	if got := h.resizes(); !slices.Equal(got, want) {
		t.Fatalf("resize heights %v, want %v", got, want)
	}
	for _, p := range h.b.Posted() {
		if !slices.Contains(partnerOrigins, p.Origin) {
			t.Fatalf("event posted to %q, not a registered origin", p.Origin)
		}
	}
	if h.b.Dialog() {
		t.Error("a widget placed in the page was told it is in a dialog")
	}
}

func TestTopLevelWidgetSendsNoResize(t *testing.T) {
	h := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, Options{}, (*FakeBrowser).SetTopLevel)
	h.screen("consent")
	h.b.SetHeight(640)
	if got := h.resizes(); len(got) != 0 {
		t.Fatalf("top-level page sent resize events %v", got)
	}
}

func TestEscapeClosesOnlyTheDialog(t *testing.T) {
	closes := func(h *harness) int {
		n := 0
		for _, typ := range h.types() {
			if typ == "close" {
				n++
			}
		}
		return n
	}
	placed := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, Options{})
	placed.screen("consent")
	placed.b.PressEscape()
	dialog := run(t, &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}, Options{Dialog: true})
	dialog.screen("consent")
	dialog.b.PressEscape()
	if err := dialog.b.Wait(time.Second, "close event", func() bool {
		for _, p := range dialog.b.posted {
			if p.Msg["type"] == "close" {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatal(err)
	}
	if !dialog.b.Dialog() {
		t.Error("the dialog widget did not make room for the loader's close button")
	}
	placed.b.SetHeight(600) // a later event: Escape's would have been posted before it
	if err := placed.b.Wait(time.Second, "resize", func() bool { return len(placed.b.posted) > 1 }); err != nil {
		t.Fatal(err)
	}
	if n := closes(placed); n != 0 {
		t.Fatalf("Escape closed a widget placed in the page (%d close events)", n)
	}
}

func TestTopLevelCloseGoesToTheRedirectWithTheStatus(t *testing.T) {
	for _, tc := range []struct {
		name, order, option, want string
	}{
		{"order's redirect", "https://shop.example/done?o=1", "", "https://shop.example/done?o=1&status=pending"},
		{"registered option", "", "https://app.wallet.example/kyc?x=y", "https://app.wallet.example/kyc?status=pending&x=y"},
		{"option on another origin", "", "https://evil.example/phish", ""},
		{"option with credentials", "", "https://u:p@wallet.example/", ""},
		{"script option", "", "javascript:alert(1)", ""},
		{"none", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := session(kycv1.KycStatus_KYC_STATUS_PENDING)
			s.Order.RedirectUrl = tc.order
			h := run(t, &fakeAPI{start: s, status: s.State}, Options{RedirectURL: tc.option}, (*FakeBrowser).SetTopLevel)
			h.screen("pending")
			h.click("close")
			if tc.want == "" {
				h.screen("closed")
				h.contains("You can close this page now")
				if got := h.b.Navigated(); len(got) != 0 {
					t.Fatalf("navigated to %v", got)
				}
				return
			}
			if err := h.b.Wait(time.Second, "navigation", func() bool { return len(h.b.navigated) == 1 }); err != nil {
				t.Fatal(err)
			}
			if got := h.b.Navigated()[0]; got != tc.want {
				t.Fatalf("went to %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRedirectOptionIsBounded(t *testing.T) {
	long := "https://wallet.example/" + string(make([]byte, MaxRedirectURL))
	if o := ParseOptions("token=t&redirect_url="+long, ""); o.RedirectURL != "" {
		t.Fatal("an over-long redirect_url was kept")
	}
	if o := ParseOptions("token=t&dialog=1&redirect_url=https%3A%2F%2Fwallet.example%2Fk", ""); !o.Dialog || o.RedirectURL != "https://wallet.example/k" {
		t.Fatalf("options %+v", o)
	}
}
