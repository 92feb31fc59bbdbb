//go:build !js

package widget

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rampart-id/rampart/wasm/rpc"
)

// Error screens show the id of the failed request; a network error (no answer) or an
// error no request caused shows none.
func TestErrorScreenShowsRequestID(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		lang string
		want string
	}{
		{"server error", &rpc.Error{Code: "internal", Slug: "internal_error", RequestID: "req_7Q2X"}, "en", "Reference: req_7Q2X"},
		{"link error", &rpc.Error{Code: "failed_precondition", Slug: "session_expired", RequestID: "req_9"}, "fr", "Référence\u00a0: req_9"},
		{"network error", &rpc.Error{Code: "unavailable", Message: "network error"}, "en", ""},
		{"not an API error", fmt.Errorf("boom"), "en", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := run(t, &fakeAPI{startErr: tc.err}, Options{Lang: tc.lang})
			h.screen("error")
			if tc.want == "" {
				h.lacks("request-id")
				return
			}
			h.contains(tc.want)
			if !strings.Contains(h.b.HTML(), `<p id="request-id" class="ref">`) {
				t.Error("the reference is not in its own selectable line")
			}
		})
	}
	// A retried call that fails again shows the new request's id.
	api := &fakeAPI{startErr: &rpc.Error{Code: "unavailable", Slug: "unavailable", RequestID: "req_first"}}
	h := run(t, api, Options{})
	h.screen("error")
	h.contains("Reference: req_first")
	api.mu.Lock()
	api.startErr = &rpc.Error{Code: "unavailable", Slug: "unavailable", RequestID: "req_second"}
	api.mu.Unlock()
	h.click("retry")
	if err := h.b.Wait(5*time.Second, "second reference", func() bool { return strings.Contains(h.b.html, "req_second") }); err != nil {
		t.Fatal(err)
	}
}
