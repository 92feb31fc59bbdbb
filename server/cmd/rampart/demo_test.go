package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/store"
)

// TestDemoReusesPartner: a second `serve --demo` on the same SQLite file and --listen
// prints the same client token, and a user's status from the first run is visible
// through it; another --listen (another shop origin) gets a new demo partner.
func TestDemoReusesPartner(t *testing.T) {
	db := testenv.SQLiteURL(t)
	api, shop := freePort(t), freePort(t)

	token1, _ := startDemoServer(t, db, api, shop, func(base, token string) {
		// The session makes alice a user this partner has seen.
		if code, _ := call(t, "POST", base+"/widget/session", token,
			`{"partner_user_id":"alice","user_email":"a@example.com","currency":"BTC","fiat_currency":"EUR","fiat_amount":"10"}`); code != 422 {
			t.Errorf("first run: session for a new user: %d, want 422", code)
		}
	})
	fi, err := os.Stat(strings.TrimPrefix(db, "sqlite://") + ".demo.json")
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("demo file: %v, %v; want mode 0600", fi, err)
	}
	verifyUser(t, db, "alice")

	token2, banner := startDemoServer(t, db, api, shop, func(base, token string) {
		if _, body := call(t, "GET", base+"/widget/users/alice/kyc-status", token, ""); !strings.Contains(body, `"status":"verified"`) {
			t.Errorf("second run: alice is %s, want verified", body)
		}
	})
	if token2 != token1 {
		t.Errorf("second run printed %s, want the first run's %s", token2, token1)
	}
	if !strings.Contains(banner, "earlier start") {
		t.Errorf("second run's banner does not say the partner was reused:\n%s", banner)
	}

	// Another shop port is another origin: the demo page would not be allowed to frame
	// the widget under the old partner, so a new one is made.
	token3, _ := startDemoServer(t, db, freePort(t), freePort(t), func(base, token string) {
		if _, body := call(t, "GET", base+"/widget/users/alice/kyc-status", token, ""); !strings.Contains(body, `"status":"not_started"`) {
			t.Errorf("new demo partner sees alice as %s, want not_started", body)
		}
	})
	if token3 == token1 {
		t.Error("another --listen reused the demo partner whose origins do not include the new shop")
	}
}

var tokenRE = regexp.MustCompile(`"client_token": "(rp_test_[0-9A-Za-z]+)"`)

// startDemoServer runs `rampart serve --demo` until use returns, and gives the printed
// client token and banner.
func startDemoServer(t *testing.T, db, api, shop string, use func(base, token string)) (string, string) {
	t.Helper()
	out := &testserver.SyncBuffer{}
	banner = out
	t.Cleanup(func() { banner = os.Stdout })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--listen", api, "--demo-listen", shop, "--database", db, "--workers", "1"})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), "=====\n\n") {
		select {
		case err := <-done:
			t.Fatalf("serve ended before printing the banner: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no banner:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	m := tokenRE.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no client token in the banner:\n%s", out.String())
	}
	use("http://"+api, m[1])
	return m[1], out.String()
}

// verifyUser sets a user's status straight in the store (the server is stopped), as a
// finished widget flow would.
func verifyUser(t *testing.T, db, userID string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var c struct {
		PartnerID string `json:"partner_id"`
	}
	b, err := os.ReadFile(st.Path + ".demo.json")
	if err != nil || json.Unmarshal(b, &c) != nil {
		t.Fatalf("demo file: %v", err)
	}
	err = st.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.Profile(ctx, c.PartnerID, userID)
		if err != nil {
			return err
		}
		_, err = tx.Transition(ctx, p, store.Transition{To: kyc.Verified, Actor: "test"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func call(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
