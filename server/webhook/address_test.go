package webhook_test

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/webhook"
)

func TestPublicAddr(t *testing.T) {
	for _, s := range []string{
		"127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "0.0.0.0", "0.1.2.3",
		"100.64.0.1", "100.127.255.254", "224.0.0.1", "255.255.255.255", "240.0.0.1", "192.0.2.1",
		"::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:169.254.169.254", "::ffff:127.0.0.1",
		"::ffff:10.0.0.1", "::169.254.169.254", "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::1", "fec0::1",
	} {
		if webhook.PublicAddr(netip.MustParseAddr(s)) {
			t.Errorf("%s counted as public", s)
		}
	}
	for _, s := range []string{"8.8.8.8", "1.1.1.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"} {
		if !webhook.PublicAddr(netip.MustParseAddr(s)) {
			t.Errorf("%s counted as non-public", s)
		}
	}
}

// fakeResolver answers from a table; unknown names do not resolve.
type fakeResolver map[string][]string

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	list, ok := f[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	var out []netip.Addr
	for _, s := range list {
		out = append(out, netip.MustParseAddr(s))
	}
	return out, nil
}

func TestCheckURL(t *testing.T) {
	r := fakeResolver{
		"hooks.partner.example": {"93.184.216.34"},
		"rebind.example":        {"93.184.216.34", "10.0.0.5"},
		"metadata.example":      {"169.254.169.254"},
	}
	ctx := context.Background()
	for _, raw := range []string{
		"https://hooks.partner.example/rampart?key=1",
		"https://8.8.8.8/hook",
		"https://[2606:4700:4700::1111]:8443/hook",
		"https://unresolvable.example/hook", // the dial-time check guards it
	} {
		if err := webhook.CheckURL(ctx, raw, true, r); err != nil {
			t.Errorf("live %s refused: %v", raw, err)
		}
	}
	for _, raw := range []string{
		"http://169.254.169.254/latest/meta-data/",
		"https://169.254.169.254/latest/meta-data/",
		"http://hooks.partner.example/hook", // live partners: https only
		"https://10.0.0.1/hook",
		"https://127.0.0.1/hook",
		"https://localhost/hook",
		"https://LOCALHOST./hook",
		"https://app.localhost/hook",
		"https://[::ffff:169.254.169.254]/hook",
		"https://[::1]/hook",
		"https://[fe80::1%25eth0]/hook",
		"https://2130706433/hook",
		"https://0x7f000001/hook",
		"https://127.1/hook",
		"https://0/hook",
		"https://100.64.0.1/hook",
		"https://metadata.example/hook",
		"https://rebind.example/hook",
		"https://user:pw@hooks.partner.example/hook",
		"ftp://hooks.partner.example/",
		"/relative",
		"https:///nohost",
	} {
		if err := webhook.CheckURL(ctx, raw, true, r); err == nil {
			t.Errorf("live %s accepted", raw)
		}
	}
	// Test-mode partners may use local receivers.
	for _, raw := range []string{"http://127.0.0.1:9999/hook", "http://localhost:3000/hook"} {
		if err := webhook.CheckURL(ctx, raw, false, r); err != nil {
			t.Errorf("test-mode %s refused: %v", raw, err)
		}
	}
}

// TestLivePartnerNotDeliveredToPrivateAddress: a live partner whose stored URL points at
// a loopback receiver (written before the rules existed) gets no delivery: the attempt
// fails and is recorded, and the receiver sees nothing.
func TestLivePartnerNotDeliveredToPrivateAddress(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		rc := newReceiver(t, nil)
		srv, pid, _ := setup(t, dbURL, rc)
		if _, err := srv.Store.DB().Exec(`UPDATE partners SET test_mode = $1 WHERE id = $2`, false, pid); err != nil {
			t.Fatal(err)
		}
		srv.ForceStatus(t, pid, "u1", kyc.Pending, time.Time{})
		d := newDeliverer(t, srv.Store, srv)
		if n, err := d.DeliverDue(context.Background()); err != nil || n != 1 {
			t.Fatalf("deliver: %d %v", n, err)
		}
		evs := events(t, srv.Store, pid)
		if len(evs) != 1 || evs[0].State != store.WebhookPending || !strings.Contains(evs[0].LastError, "public") {
			t.Fatalf("events: %+v", evs)
		}
		if got := rc.deliveries(); len(got) != 0 {
			t.Fatalf("the loopback receiver got %d deliveries", len(got))
		}
	})
}
