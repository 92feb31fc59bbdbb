package faults

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/gen/rampart/widget/v1/widgetv1connect"
	"github.com/rampart-id/rampart/server/auth"
)

// randomMethod is a valid HTTP method token of n random capital letters.
func randomMethod(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'A' + byte(r.IntN(26))
	}
	return b
}

// methodFlood sends n requests for /healthz with random methods of size bytes over
// workers keep-alive connections, and counts the statuses.
func methodFlood(t *testing.T, addr string, n, workers, size int) *tally {
	t.Helper()
	var out tally
	deadline := time.Now().Add(60 * time.Second)
	fanOut(workers, workers, func(w int) {
		r := rand.New(rand.NewPCG(uint64(w), 1))
		var conn net.Conn
		var br *bufio.Reader
		defer func() {
			if conn != nil {
				conn.Close()
			}
		}()
		for i := w; i < n && time.Now().Before(deadline); i += workers {
			if conn == nil {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					out.add("dial error")
					return
				}
				conn, br = c, bufio.NewReader(c)
				_ = conn.SetDeadline(deadline)
			}
			req := append(randomMethod(r, size), " /healthz HTTP/1.1\r\nHost: "+addr+"\r\n\r\n"...)
			res, err := func() (*http.Response, error) {
				if _, err := conn.Write(req); err != nil {
					return nil, err
				}
				return http.ReadResponse(br, nil)
			}()
			if err != nil {
				out.add("no answer")
				conn.Close()
				conn = nil
				continue
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			out.add(fmt.Sprint(res.StatusCode))
			if res.Close {
				conn.Close()
				conn = nil
			}
		}
	})
	return &out
}

// TestSurfaceMethodFlood: 3,000 requests with random 50 kB HTTP methods. Metric labels
// and log fields come from a closed set, so /metrics stays under 1 MB (each method
// used to become a series of its own: 150 MB) and no method reaches the log.
func TestSurfaceMethodFlood(t *testing.T) {
	g, _ := newTarget(t)
	logBefore := len(g.srv.logs.String())
	start := time.Now()
	statuses := methodFlood(t, g.addr, 3000, 8, 50_000)
	t.Logf("3,000 random 50 kB methods: %s in %v", statuses, time.Since(start).Round(time.Millisecond))
	res, err := (&http.Client{Timeout: 10 * time.Second}).Get(g.srv.URL + "/metrics")
	if err != nil {
		t.Fatalf("/metrics after the flood: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	logs := g.srv.logs.String()[logBefore:]
	t.Logf("/metrics: %d kB; server log grew by %d kB", len(body)>>10, len(logs)>>10)
	if len(body) >= 1<<20 {
		t.Errorf("/metrics is %d kB after the flood, want under 1 MB", len(body)>>10)
	}
	// Any 200-letter run of capitals in the log is a method name that got through.
	if hasCapitalRun(logs, 200) {
		t.Errorf("client-chosen methods reached the server log (%d kB of log)", len(logs)>>10)
	}
	healthy(t, g.srv)
}

// hasCapitalRun reports whether s holds n capital letters in a row.
func hasCapitalRun(s string, n int) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			if run++; run >= n {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// initToken asks for a KYC init token over REST.
func initToken(t *testing.T, base string, p created, user string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/widget/session", strings.NewReader(sessionBody(user)))
	req.Header.Set("Authorization", "Bearer "+p.ClientToken)
	res, err := noKeepAlive().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var v struct {
		InitToken string `json:"init_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil || v.InitToken == "" {
		t.Fatalf("no init token (%d): %v", res.StatusCode, err)
	}
	return v.InitToken
}

// TestSurfaceSharedAddressLockout: 24 made-up widget and init tokens from one address
// (an office NAT, a mobile carrier) must not lock out the valid tokens of others behind
// it: a valid widget token's GetStatus, a valid init token's StartSession and the
// partner's REST call all succeed. The made-up tokens themselves are still throttled.
func TestSurfaceSharedAddressLockout(t *testing.T) {
	g, _ := newTarget(t)
	victim := widgetSession(t, g.srv.URL, g.attacker, "victim")
	fresh := initToken(t, g.srv.URL, g.attacker, "newcomer")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	startBody := func(tok string) []byte {
		b, _ := proto.Marshal(&widgetv1.StartSessionRequest{InitToken: tok})
		return b
	}
	bad := func(i int) connectOutcome {
		if i%2 == 0 {
			tok, _ := auth.New(auth.PrefixWidget)
			return connectCall(ctx, g.client, g.srv.URL, widgetv1connect.WidgetServiceGetStatusProcedure, tok, nil, nil)
		}
		tok, _ := auth.New(auth.PrefixInit)
		return connectCall(ctx, g.client, g.srv.URL, widgetv1connect.WidgetServiceStartSessionProcedure, "", startBody(tok), nil)
	}
	var badOut tally
	for i := range 24 {
		o := bad(i)
		badOut.add(o.key())
		if o.status != http.StatusUnauthorized && o.status != http.StatusTooManyRequests {
			t.Errorf("made-up token #%d: %v, want 401 or 429", i, o)
		}
	}
	t.Logf("24 made-up tokens: %s", &badOut)

	valid := func(when string) {
		t.Helper()
		o := connectCall(ctx, g.client, g.srv.URL, widgetv1connect.WidgetServiceGetStatusProcedure, victim.token, nil, nil)
		if o.status != http.StatusOK {
			t.Errorf("valid widget token %s: %v, want 200", when, o)
		}
		r := call(g.client, http.MethodGet, g.srv.URL+"/widget/users/victim/kyc-status", g.attacker.ClientToken, "")
		if r.err != nil || r.status != http.StatusOK {
			t.Errorf("partner REST call %s: %v, want 200", when, r)
		}
	}
	valid("after 24 failures from its address")
	if o := connectCall(ctx, g.client, g.srv.URL, widgetv1connect.WidgetServiceStartSessionProcedure, "", startBody(fresh), nil); o.status != http.StatusOK {
		t.Errorf("valid init token after 24 failures from its address: %v, want 200", o)
	}

	// The guessing itself is still throttled: within 60 more tries it gets 429.
	throttled := 0
	for i := 0; i < 60 && throttled == 0; i++ {
		if bad(i).status == http.StatusTooManyRequests {
			throttled = 24 + i + 1
		}
	}
	t.Logf("made-up tokens throttled from attempt %d", throttled)
	if throttled == 0 {
		t.Errorf("84 made-up tokens from one address and none was throttled")
	}
	valid("while its address is throttled")
}
