package app_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/internal/testserver"
)

// BenchmarkKycStatus serves one user's status through the whole handler (middleware,
// REST gateway or Connect, authentication, store) in this process, without a network
// or a load generator: ns/op and allocs/op are the server's own cost of a request, the
// part of `make bench`'s throughput that this code controls.
func BenchmarkKycStatus(b *testing.B) {
	backends := map[string]func(testing.TB) string{"sqlite": testenv.SQLiteURL, "postgres": testenv.PostgresURL}
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			srv := testserver.Start(b, backends[name](b), testserver.Options{RatePerSec: 1e9, RateBurst: 1e9, Workers: -1})
			p := srv.NewPartner(b, "Bench")
			srv.ForceStatus(b, p.PartnerID, "user-1", kyc.Pending, srv.Store.Now())
			requests := map[string]func() *http.Request{
				"rest": func() *http.Request {
					return httptest.NewRequest(http.MethodGet, "/widget/users/user-1/kyc-status", nil)
				},
				"connect": func() *http.Request {
					r := httptest.NewRequest(http.MethodPost, "/rampart.partner.v1.PartnerService/GetKycStatus",
						bytes.NewReader([]byte(`{"partner_user_id":"user-1"}`)))
					r.Header.Set("Content-Type", "application/json")
					return r
				},
			}
			for _, proto := range []string{"rest", "connect"} {
				b.Run(proto, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						r := requests[proto]()
						r.Header.Set("Authorization", "Bearer "+p.ClientToken)
						w := httptest.NewRecorder()
						srv.App.Handler.ServeHTTP(w, r)
						if w.Code != http.StatusOK {
							b.Fatalf("%s: %d %s", proto, w.Code, w.Body)
						}
					}
				})
			}
		})
	}
}
