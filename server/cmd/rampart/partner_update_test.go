package main

import (
	"context"
	"strings"
	"testing"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/server/store"
)

// TestPartnerUpdateWebhookCLI: `partner update --webhook-url` checks the address as
// creation does (a live partner's must be public https), sets it, and "" stops webhooks.
func TestPartnerUpdateWebhookCLI(t *testing.T) {
	ctx := context.Background()
	db := testenv.SQLiteURL(t)
	if err := run(ctx, []string{"migrate", "up", "--database", db}); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"partner", "create", "--name", "Live Shop", "--origin", "https://shop.example", "--database", db}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ps, err := st.Read().Partners(ctx)
	if err != nil || len(ps) != 1 {
		t.Fatalf("partners %v %v", ps, err)
	}
	id := ps[0].ID
	hook := func() string {
		p, err := st.Read().PartnerByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return p.WebhookURL
	}
	update := func(url string) error {
		return run(ctx, []string{"partner", "update", "--partner-id", id, "--webhook-url", url, "--database", db})
	}
	for _, bad := range []string{"http://hooks.example/rampart", "https://127.0.0.1/hook", "https://10.0.0.8/hook"} {
		if err := update(bad); err == nil {
			t.Errorf("--webhook-url %s accepted for a live partner", bad)
		}
		if h := hook(); h != "" {
			t.Fatalf("a refused URL was stored: %q", h)
		}
	}
	if err := update("https://93.184.215.14/rampart"); err != nil {
		t.Fatal(err)
	}
	if h := hook(); h != "https://93.184.215.14/rampart" {
		t.Fatalf("webhook URL %q", h)
	}
	if err := update(""); err != nil {
		t.Fatal(err)
	}
	if h := hook(); h != "" {
		t.Fatalf("webhook URL %q after removing it", h)
	}
	err = run(ctx, []string{"partner", "update", "--partner-id", id, "--database", db})
	if err == nil || !strings.Contains(err.Error(), "--webhook-url") {
		t.Fatalf("update without a change: %v", err)
	}
}
