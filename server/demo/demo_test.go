package demo_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/demo"
	"github.com/rampart-id/rampart/server/internal/testserver"
)

// TestShopOrderIsAccepted: the demo shop's order passes Rampart's order checks, for a
// new user (kyc_required) and a verified one (a payment session).
func TestShopOrderIsAccepted(t *testing.T) {
	srv := testserver.Start(t, testenv.SQLiteURL(t), testserver.Options{Workers: -1})
	p := srv.NewPartner(t, "Shop")
	srv.ForceStatus(t, p.PartnerID, "buyer", kyc.Verified, time.Time{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		_ = (&demo.Shop{RampartURL: srv.URL, ClientToken: p.ClientToken, WidgetID: p.WidgetID}).Serve(ctx, ln)
	}()

	for user, want := range map[string]int{"newcomer": http.StatusUnprocessableEntity, "buyer": http.StatusOK} {
		res, err := http.Post("http://"+ln.Addr().String()+"/api/session", "application/json", strings.NewReader(`{"user_id":"`+user+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		err = json.NewDecoder(res.Body).Decode(&v)
		res.Body.Close()
		if err != nil || res.StatusCode != want || v["init_token"] == nil {
			t.Errorf("%s: %d %v %v, want %d with a token", user, res.StatusCode, v, err, want)
		}
	}
}
