package embed_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/server/internal/testserver"
)

// TestCSPEmitsOnlyValidOrigins: origins stored before registration checked them (here
// written straight into the database) never reach the policy unless they parse as
// origins; a directive smuggled in one is dropped.
func TestCSPEmitsOnlyValidOrigins(t *testing.T) {
	srv := testserver.Start(t, testenv.SQLiteURL(t), testserver.Options{Workers: -1})
	p := srv.NewPartner(t, "Shop", "https://shop.example")
	stored, _ := json.Marshal([]string{"https://shop.example", "https://a.example;script-src 'unsafe-inline'",
		"https://b.example script-src", "https://c.example/path", "*", "https://D.example:443"})
	if _, err := srv.Store.DB().ExecContext(context.Background(), `UPDATE partners SET allowed_origins = $1 WHERE id = $2`,
		string(stored), p.PartnerID); err != nil {
		t.Fatal(err)
	}
	res, _ := get(t, srv.URL+"/embed/app?widget_id="+p.WidgetID)
	csp := res.Header.Get("Content-Security-Policy")
	_, ancestors, _ := strings.Cut(csp, "frame-ancestors ")
	if ancestors != "'self' https://shop.example https://d.example" {
		t.Errorf("frame-ancestors %q (CSP %q)", ancestors, csp)
	}
	if strings.Count(csp, "script-src") != 1 || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "*") {
		t.Errorf("CSP carries a smuggled directive: %q", csp)
	}
}
