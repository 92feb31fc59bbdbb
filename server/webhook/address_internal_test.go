package webhook

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestLiveClientRefusesNonPublicAtDial: the live client checks the address it actually
// connects to, after DNS resolution, so neither an IP nor a name that resolves to this
// machine gets a request out of it; the test-mode client still reaches it.
func TestLiveClientRefusesNonPublicAtDial(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	live, test := newClients()
	port := srv.URL[strings.LastIndexByte(srv.URL, ':'):]
	for _, u := range []string{srv.URL, "http://localhost" + port} {
		resp, err := live.Post(u, "application/json", nil)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("live client reached %s", u)
		}
		if !errors.Is(err, errNotPublic) {
			t.Errorf("%s: %v, want the non-public refusal", u, err)
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("receiver hit %d times", hits.Load())
	}
	resp, err := test.Post(srv.URL, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if hits.Load() != 1 {
		t.Fatal("the test-mode client did not reach a local receiver")
	}
}
