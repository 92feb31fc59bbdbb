package app_test

// Hostile input against one real server: callers holding the wrong partner's ids or the
// wrong kind of token, request ids chosen by the client, protocols at the edge (Connect
// GET, gRPC-Web, unknown procedures), and the operations endpoints (gRPC health and
// reflection). The scan of the logs for PII and secrets is in logs_test.go.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/gen/rampart/widget/v1/widgetv1connect"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/quality/qualitytest"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/partner"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/webhook"
	"github.com/rampart-id/rampart/wasm/rpc"
)

func hookPartner(t *testing.T, srv *testserver.Server, name, hookURL string, origins ...string) partner.Created {
	t.Helper()
	c, err := srv.App.Partners.CreatePartner(context.Background(), partner.NewPartner{Name: name, Origins: origins, WebhookURL: hookURL, Test: true})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// startDeliverer runs a webhook Deliverer (as `rampart serve` does) that logs into the
// server's log, until the test ends.
func startDeliverer(t *testing.T, srv *testserver.Server) (stop func()) {
	d := webhook.New(srv.Store, srv.Keys, webhook.WithLogger(slog.New(slog.NewJSONHandler(srv.Logs, nil))),
		webhook.WithPollInterval(10*time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()
	stop = func() { cancel(); <-done }
	t.Cleanup(stop)
	return stop
}

// hookSink is a partner's webhook endpoint that records what it receives.
type hookSink struct {
	*httptest.Server
	mu  sync.Mutex
	got []hookDelivery
}

type hookDelivery struct {
	header http.Header
	body   []byte
}

func newHookSink(t *testing.T) *hookSink {
	h := &hookSink{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.got = append(h.got, hookDelivery{header: r.Header.Clone(), body: b})
		h.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookSink) deliveries() []hookDelivery {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.got)
}

type eventOwner struct{ partnerID, user string }

// outbox returns each event's owner, and the statuses of each partner/user's events in
// sequence order.
func outbox(t *testing.T, srv *testserver.Server) (map[string]eventOwner, map[string][]string) {
	rows, err := srv.Store.DB().Query(`SELECT id, partner_id, partner_user_id, payload FROM webhook_events ORDER BY partner_id, partner_user_id, seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	owner, statuses := map[string]eventOwner{}, map[string][]string{}
	for rows.Next() {
		var id, pid, user string
		var payload []byte
		if err := rows.Scan(&id, &pid, &user, &payload); err != nil {
			t.Fatal(err)
		}
		var body struct {
			Data struct {
				PartnerUserID string `json:"partner_user_id"`
				Status        string `json:"status"`
			} `json:"data"`
		}
		if err := json.Unmarshal(payload, &body); err != nil || body.Data.PartnerUserID != user {
			t.Errorf("outbox row %s of %s/%s has body %s", id, pid, user, payload)
		}
		owner[id] = eventOwner{pid, user}
		statuses[pid+"/"+user] = append(statuses[pid+"/"+user], body.Data.Status)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return owner, statuses
}

// snapshot renders everything stored for a partner that another partner's calls could
// conceivably touch; images are compared by the hash of their sealed bytes.
func snapshot(t *testing.T, srv *testserver.Server, partnerID string) string {
	t.Helper()
	queries := []string{
		`SELECT partner_user_id, status, attempts_used, failure_reasons, final, verified_at, seq, updated_at FROM kyc_profiles WHERE partner_id = $1 ORDER BY partner_user_id`,
		`SELECT id, partner_user_id, state, document_type, liveness_ms, submitted_at, decided_at, decision, needs_review FROM kyc_cases WHERE partner_id = $1 ORDER BY id`,
		`SELECT id, case_id, kind, frame, width, height, phash, sealed FROM case_images WHERE partner_id = $1 ORDER BY id`,
		`SELECT id, partner_user_id, case_id, from_status, to_status, actor FROM status_history WHERE partner_id = $1 ORDER BY id`,
		`SELECT id, partner_user_id, seq, payload FROM webhook_events WHERE partner_id = $1 ORDER BY id`,
		`SELECT id, partner_user_id, kind, used_at FROM sessions WHERE partner_id = $1 ORDER BY id`,
		`SELECT token_hash, partner_user_id, expires_at FROM widget_tokens WHERE partner_id = $1 ORDER BY token_hash`,
		`SELECT idem_key, request_hash, outcome FROM idempotency_keys WHERE partner_id = $1 ORDER BY idem_key`,
		`SELECT c.id, j.state, j.attempts FROM verification_jobs j JOIN kyc_cases c ON c.id = j.case_id WHERE c.partner_id = $1 ORDER BY c.id`,
		`SELECT k.id, k.name, k.result, k.reason FROM case_checks k JOIN kyc_cases c ON c.id = k.case_id WHERE c.partner_id = $1 ORDER BY k.id`,
		`SELECT name, allowed_origins, webhook_url, max_attempts FROM partners WHERE id = $1`,
	}
	var b strings.Builder
	for _, q := range queries {
		rows, err := srv.Store.DB().Query(q, partnerID)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		cols, _ := rows.Columns()
		fmt.Fprintf(&b, "# %s\n", q[:strings.Index(q, " WHERE")])
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					sum := sha256.Sum256(bs)
					v = hex.EncodeToString(sum[:8])
				}
				fmt.Fprintf(&b, "%s=%v ", cols[i], v)
			}
			b.WriteByte('\n')
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return b.String()
}

// count runs a COUNT query.
func count(t *testing.T, srv *testserver.Server, q string, args ...any) int {
	t.Helper()
	var n int
	if err := srv.Store.DB().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second) // only keeps a broken test from hanging
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitDecided waits for the verification worker to decide the user's case.
func waitDecided(t *testing.T, srv *testserver.Server, partnerID, user string) store.Profile {
	t.Helper()
	var p store.Profile
	waitUntil(t, user+"'s decision", func() bool {
		var err error
		if p, err = srv.Store.Read().Profile(context.Background(), partnerID, user); err != nil {
			t.Fatal(err)
		}
		return p.Status == kyc.Verified || p.Status == kyc.Failed
	})
	return p
}

// uploadDocument uploads the front and back of a synthetic ID card (the seed of
// testserver.Capture picks the same pictures), without submitting.
func uploadDocument(t *testing.T, api rpc.API, seed int64) {
	t.Helper()
	for side, s := range map[widgetv1.DocumentSide]int64{widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT: seed*2 + 1, widgetv1.DocumentSide_DOCUMENT_SIDE_BACK: seed*2 + 2} {
		_, err := api.UploadDocument(context.Background(), &widgetv1.UploadDocumentRequest{DocumentType: widgetv1.DocumentType_DOCUMENT_TYPE_NATIONAL_ID,
			Side: side, Image: testserver.JPEG(t, qualitytest.Document(s, 1600, 1000))})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// operatorToken issues an operator (review) token valid for ttl (negative: expired).
func operatorToken(t *testing.T, srv *testserver.Server, ttl time.Duration) string {
	t.Helper()
	ctx := context.Background()
	tok, hash := srv.App.Auth.Tokens.New(auth.PrefixOperator)
	if err := srv.Store.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreateOperatorToken(ctx, hash, store.Operator{Name: "rita", Role: store.RoleReviewer}, time.Now().Add(ttl))
	}); err != nil {
		t.Fatal(err)
	}
	return tok
}

func withAuth[T any](req *connect.Request[T], header string) *connect.Request[T] {
	if header != "" {
		req.Header().Set("Authorization", header)
	}
	return req
}

// widgetClients are the widget API over Connect (binary and JSON), gRPC and gRPC-Web.
func widgetClients(t *testing.T, srv *testserver.Server) map[string]widgetv1connect.WidgetServiceClient {
	return map[string]widgetv1connect.WidgetServiceClient{
		"connect":      widgetv1connect.NewWidgetServiceClient(http.DefaultClient, srv.URL),
		"connect-json": widgetv1connect.NewWidgetServiceClient(http.DefaultClient, srv.URL, connect.WithProtoJSON()),
		"grpc":         widgetv1connect.NewWidgetServiceClient(loopbackClient(t, "", true), srv.URL, connect.WithGRPC()),
		"grpc-web":     widgetv1connect.NewWidgetServiceClient(http.DefaultClient, srv.URL, connect.WithGRPCWeb()),
	}
}

// loopbackClient dials from a chosen loopback address ("" = any), over HTTP/1.1 or,
// with h2c, HTTP/2 without TLS (what gRPC needs).
func loopbackClient(t *testing.T, ip string, h2c bool) *http.Client {
	d := &net.Dialer{}
	if ip != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(ip)}
	}
	tr := &http.Transport{DialContext: d.DialContext}
	if h2c {
		var p http.Protocols
		p.SetUnencryptedHTTP2(true)
		tr.Protocols = &p
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// recorder is a RoundTripper that remembers the requests it sent.
type recorder struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

func (r *recorder) all() []*http.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.reqs)
}

type frame struct {
	flag byte
	data []byte
}

// grpcWeb posts one gRPC-Web (binary) request and splits the answer into frames.
func grpcWeb(t *testing.T, u, token string, msg []byte) (http.Header, []frame) {
	t.Helper()
	body := make([]byte, 5+len(msg))
	binary.BigEndian.PutUint32(body[1:5], uint32(len(msg)))
	copy(body[5:], msg)
	req, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/grpc-web+proto")
	req.Header.Set("X-Grpc-Web", "1")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/grpc-web") {
		t.Fatalf("gRPC-Web: HTTP %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var frames []frame
	for len(raw) > 0 {
		if len(raw) < 5 {
			t.Fatalf("gRPC-Web: truncated frame header %x", raw)
		}
		n := binary.BigEndian.Uint32(raw[1:5])
		if uint32(len(raw)-5) < n {
			t.Fatalf("gRPC-Web: frame of %d bytes, %d left", n, len(raw)-5)
		}
		frames = append(frames, frame{flag: raw[0], data: raw[5 : 5+n]})
		raw = raw[5+n:]
	}
	return res.Header, frames
}

func first(lists ...[]string) string {
	for _, l := range lists {
		if len(l) > 0 {
			return l[0]
		}
	}
	return ""
}

// generatedID reports whether id looks like one the server made (reqctx.NewID).
func generatedID(id string) bool {
	if !strings.HasPrefix(id, "req_") || len(id) != 20 {
		return false
	}
	return !strings.ContainsFunc(id[4:], func(r rune) bool { return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z') })
}

// errorBodyRequestID reads the request id of an error body: Rampart's REST shape, or a
// Connect error whose ErrorDetail carries it.
func errorBodyRequestID(t *testing.T, ctype string, body []byte) string {
	t.Helper()
	var v struct {
		RequestID string `json:"request_id"`
		Code      string `json:"code"`
		Details   []struct {
			Type  string `json:"type"`
			Value string `json:"value"`
		} `json:"details"`
	}
	if !strings.HasPrefix(ctype, "application/json") || json.Unmarshal(body, &v) != nil {
		t.Errorf("error body is not JSON (%s): %q", ctype, body)
		return ""
	}
	if v.Code == "" {
		return v.RequestID
	}
	for _, d := range v.Details {
		if d.Type == "rampart.kyc.v1.ErrorDetail" {
			raw, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(d.Value, "="))
			var detail kycv1.ErrorDetail
			if err == nil && proto.Unmarshal(raw, &detail) == nil {
				return detail.GetRequestId()
			}
		}
	}
	return ""
}

// logLineWithID reports whether an access log line carries the request id.
func logLineWithID(srv *testserver.Server, id string) bool {
	for _, line := range strings.Split(srv.Logs.String(), "\n") {
		var v struct {
			Msg       string `json:"msg"`
			RequestID string `json:"request_id"`
		}
		if json.Unmarshal([]byte(line), &v) == nil && v.Msg == "http" && v.RequestID == id {
			return true
		}
	}
	return false
}

// lineDiff lists the lines only one of two snapshots has.
func lineDiff(before, after string) string {
	var out []string
	bl, al := strings.Split(before, "\n"), strings.Split(after, "\n")
	for _, l := range bl {
		if !slices.Contains(al, l) {
			out = append(out, "- "+l)
		}
	}
	for _, l := range al {
		if !slices.Contains(bl, l) {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}
