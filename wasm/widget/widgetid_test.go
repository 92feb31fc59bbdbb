//go:build !js

package widget

import (
	"testing"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
)

// TestStartSessionSendsWidgetID: the widget_id of the page goes with the init token, so
// the server can refuse another partner's token on this partner's page.
func TestStartSessionSendsWidgetID(t *testing.T) {
	if got := WidgetIDFromQuery("?widget_id=wdg_0123abcd&x=1"); got != "wdg_0123abcd" {
		t.Fatalf("WidgetIDFromQuery = %q", got)
	}
	if got := WidgetIDFromQuery(""); got != "" {
		t.Fatalf("WidgetIDFromQuery(\"\") = %q", got)
	}
	api := &fakeAPI{start: session(kycv1.KycStatus_KYC_STATUS_NOT_STARTED)}
	h := run(t, api, Options{WidgetID: "wdg_0123abcd"})
	h.screen("consent")
	api.mu.Lock()
	defer api.mu.Unlock()
	if api.startReq.GetWidgetId() != "wdg_0123abcd" || api.startReq.GetInitToken() != "rpi_test" {
		t.Fatalf("StartSession request: %v", api.startReq)
	}
}
