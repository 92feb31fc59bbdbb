//go:build !js

package rpc

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
)

func TestErrorRequestID(t *testing.T) {
	for _, tc := range []struct {
		name, header, body, want string
	}{
		{"connect error", "req_abc123", `{"code":"internal","message":"x"}`, "req_abc123"},
		{"proxy page", "edge-42", `<html>bad gateway</html>`, "edge-42"},
		{"odd header", "<b>hi</b>", `{"code":"internal"}`, ""},
		{"no header", "", `{"code":"internal"}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.header != "" {
					w.Header().Set("X-Request-Id", tc.header)
				}
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			_, err := New(srv.URL, HTTPTransport(srv.Client())).GetStatus(context.Background(), &widgetv1.GetStatusRequest{})
			var e *Error
			if !errors.As(err, &e) || e.RequestID != tc.want {
				t.Errorf("error %#v, want request id %q", err, tc.want)
			}
		})
	}
	// The server never answered: there is no id to show.
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := New(url, HTTPTransport(http.DefaultClient)).GetStatus(context.Background(), &widgetv1.GetStatusRequest{})
	var e *Error
	if !errors.As(err, &e) || e.Code != "unavailable" || e.RequestID != "" {
		t.Errorf("network error %#v, want unavailable without request id", err)
	}
}
