package partner_test

import (
	"context"
	"testing"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/partner"
)

// TestCreatePartnerRefusesBadOriginsAndWebhooks: origins are scheme://host[:port] and
// nothing else; a live partner's webhook is a public https address; a test-mode partner
// may use a local receiver and http://localhost origins.
func TestCreatePartnerRefusesBadOriginsAndWebhooks(t *testing.T) {
	srv := testserver.Start(t, testenv.SQLiteURL(t), testserver.Options{Workers: -1})
	ctx := context.Background()
	create := func(np partner.NewPartner) error {
		np.Name = "P"
		_, err := srv.App.Partners.CreatePartner(ctx, np)
		return err
	}
	for _, o := range []string{"https://a.example;script-src", "https://a.example 'unsafe-inline'", "https://a.example/x",
		"https://u@a.example", "*", "http://a.example", "http://localhost:3000", "https://a.example?q"} {
		if err := create(partner.NewPartner{Origins: []string{o}}); err == nil {
			t.Errorf("live origin %q accepted", o)
		}
	}
	for _, hook := range []string{"http://169.254.169.254/latest/meta-data/", "https://10.0.0.1/h", "https://localhost/h",
		"https://[::ffff:169.254.169.254]/h", "https://2130706433/h", "http://hooks.partner.example/h", "https://127.0.0.1:8443/h"} {
		if err := create(partner.NewPartner{WebhookURL: hook}); err == nil {
			t.Errorf("live webhook %q accepted", hook)
		}
	}
	if err := create(partner.NewPartner{Test: true, WebhookURL: "http://127.0.0.1:9/hook",
		Origins: []string{"http://localhost:3000", " https://Shop.example/ "}}); err != nil {
		t.Errorf("test-mode partner with local receiver: %v", err)
	}
	if err := create(partner.NewPartner{Test: true, Origins: []string{"https://a.example;script-src"}}); err == nil {
		t.Error("test mode does not relax the origin syntax")
	}
	c, err := srv.App.Partners.CreatePartner(ctx, partner.NewPartner{Name: "Live", Origins: []string{"https://Shop.example:443/", "https://shop.example"},
		WebhookURL: "https://8.8.8.8/hook"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := srv.Store.Read().PartnerByID(ctx, c.PartnerID)
	if err != nil || len(p.Origins) != 1 || p.Origins[0] != "https://shop.example" {
		t.Fatalf("stored origins %q %v", p.Origins, err)
	}
}
