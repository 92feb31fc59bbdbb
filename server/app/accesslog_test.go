package app

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"
)

// The encoded access line is what slog's JSON handler writes for the same record, so
// log readers see one format whichever path wrote it.
func TestAccessLineIsTheJSONHandlersLine(t *testing.T) {
	at := time.Date(2026, 12, 2, 4, 26, 6, 123456789, time.UTC)
	cases := []struct {
		rid, method, route string
		status             int
		n                  int64
		d                  time.Duration
	}{
		{"req_3k9abcdefghjkmnp", "GET", "/widget/users/{id}/kyc-status", 200, 57, 1234 * time.Microsecond},
		{"client-id.1_2", "POST", "/rampart.partner.v1.PartnerService/CreateSession", 422, 0, 0},
		{"x", "other", "other", 499, 1 << 40, 3 * time.Hour},
		{"req_y", "GET", "/healthz", 200, 3, 999 * time.Nanosecond},
	}
	for _, c := range cases {
		var want, got bytes.Buffer
		h := slog.NewJSONHandler(&want, nil)
		r := slog.NewRecord(at, slog.LevelInfo, "http", 0)
		ms := float64(c.d.Microseconds()) / 1000
		r.AddAttrs(slog.String("request_id", c.rid), slog.String("method", c.method), slog.String("route", c.route),
			slog.Int("status", c.status), slog.Int64("bytes", c.n), slog.Float64("ms", ms))
		if err := h.Handle(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		accessLog{log: slog.New(h), out: &got}.write(context.Background(), at, c.rid, c.method, c.route, c.status, c.n, c.d)
		if got.String() != want.String() {
			t.Errorf("encoded:\n%s\nslog:\n%s", got.String(), want.String())
		}
	}
	// A logger above Info writes no access line on either path.
	var quiet bytes.Buffer
	accessLog{log: slog.New(slog.NewJSONHandler(&quiet, &slog.HandlerOptions{Level: slog.LevelWarn})), out: &quiet}.
		write(context.Background(), at, "r", "GET", "other", 200, 0, 0)
	if quiet.Len() != 0 {
		t.Errorf("a Warn-level logger got %q", quiet.String())
	}
}
