package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/internal/testserver"
)

// The floor is only a fair yardstick while it answers exactly what the REST endpoint
// answers: same status, same JSON bytes, for every shape of the status body.
func TestFloorAnswersAsREST(t *testing.T) {
	dbURL := testenv.PostgresURL(t)
	srv := testserver.Start(t, dbURL, testserver.Options{Workers: -1})
	p := srv.NewPartner(t, "Floor")
	other := srv.NewPartner(t, "Other")
	at := time.Date(2026, 3, 4, 5, 6, 7, 890_000_000, time.UTC) // fractional: both truncate to seconds

	srv.ForceStatus(t, p.PartnerID, "verified-user", kyc.Verified, at)
	srv.ForceStatus(t, p.PartnerID, "failed-user", kyc.Failed, at, "document_expired", "face_mismatch")
	srv.ForceStatus(t, p.PartnerID, "failed-twice", kyc.Failed, at, "blurry")
	srv.ForceStatus(t, p.PartnerID, "failed-twice", kyc.Failed, at, "blurry")
	srv.ForceStatus(t, p.PartnerID, "pending-user", kyc.Pending, time.Time{})
	srv.ForceStatus(t, p.PartnerID, "a/b c%é.x", kyc.Verified, at)
	srv.ForceStatus(t, other.PartnerID, "theirs", kyc.Verified, at)

	ctx := context.Background()
	f, err := startFloor(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	get := func(base, user, token string) (int, string) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/widget/users/"+url.PathEscape(user)+"/kyc-status", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		if ct := r.Header.Get("Content-Type"); r.StatusCode == 200 && ct != "application/json" {
			t.Errorf("%s %s: Content-Type %q", base, user, ct)
		}
		return r.StatusCode, string(b)
	}
	users := []string{"verified-user", "failed-user", "failed-twice", "pending-user", "a/b c%é.x", "never-seen", "theirs"}
	for _, u := range users {
		rc, rest := get(srv.URL, u, p.ClientToken)
		fc, floor := get(f.URL, u, p.ClientToken)
		if rc != 200 || fc != 200 || rest != floor {
			t.Errorf("user %q:\nREST  %d %s\nfloor %d %s", u, rc, rest, fc, floor)
		}
	}
	// The comparison means something only if the bodies differ between users.
	_, v := get(f.URL, "verified-user", p.ClientToken)
	_, fl := get(f.URL, "failed-user", p.ClientToken)
	_, ns := get(f.URL, "theirs", p.ClientToken)
	for _, want := range []struct{ body, part string }{
		{v, `"verified_at":"2026-03-04T05:06:07Z"`},
		{fl, `"attempts_remaining":2,"failure_reasons":["document_expired","face_mismatch"]`},
		{ns, `"status":"not_started"`},
	} {
		if !strings.Contains(want.body, want.part) {
			t.Errorf("body %s lacks %s", want.body, want.part)
		}
	}
	if c, _ := get(f.URL, "verified-user", "rp_test_"+strings.Repeat("x", 43)); c != http.StatusUnauthorized {
		t.Errorf("unknown token: floor answered %d, want 401", c)
	}
}
