package widget_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/wasm/rpc"
)

// A failed widget call carries the request id the server answered with, so the error
// screen can show the id the server's logs know the request by.
func TestErrorCarriesRequestID(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		srv := testserver.Start(t, dbURL, testserver.Options{Workers: -1})
		seen := &lastResponse{}
		api := rpc.New(srv.URL, rpc.HTTPTransport(&http.Client{Transport: seen}))
		_, err := api.StartSession(context.Background(), &widgetv1.StartSessionRequest{InitToken: "rpi_not_a_real_token"})
		var e *rpc.Error
		if !errors.As(err, &e) || e.Slug != "unauthorized" {
			t.Fatalf("start with a forged token: %v, want unauthorized", err)
		}
		hdr := seen.res.Header.Get("X-Request-Id")
		if !strings.HasPrefix(hdr, "req_") || e.RequestID != hdr {
			t.Errorf("error request id %q, response header %q", e.RequestID, hdr)
		}
	})
}
