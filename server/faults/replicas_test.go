package faults

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/rampart-id/rampart/internal/testenv"
)

// rrProxy sends each request to the next of its backends in turn, as a load balancer
// would. A request is tried on the following backend when its connection was refused
// (a replica that is down: nothing of it was sent), or, for an idempotent request (a GET,
// or one with an Idempotency-Key), when the connection broke before any answer: a
// replica that stops listening resets the connections still waiting in its accept
// queue, and whether one of them was read cannot be known from outside. Any other error
// is the client's.
type rrProxy struct {
	backends []*url.URL
	next     atomic.Uint64
	retried  atomic.Int64
	tr       http.RoundTripper
}

// replicaHeader names, in the proxy's answers, the replica that answered.
const replicaHeader = "X-Test-Replica"

func newRRProxy(addrs []string) *rrProxy {
	p := &rrProxy{tr: &http.Transport{DisableKeepAlives: true, ResponseHeaderTimeout: 2 * time.Minute}}
	for _, a := range addrs {
		p.backends = append(p.backends, &url.URL{Scheme: "http", Host: a})
	}
	return p
}

func (p *rrProxy) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		var err error
		if body, err = io.ReadAll(r.Body); err != nil {
			return nil, err
		}
		_ = r.Body.Close()
	}
	start := p.next.Add(1)
	var err error
	for i := range uint64(len(p.backends)) {
		n := (start + i) % uint64(len(p.backends))
		out := r.Clone(r.Context())
		out.URL.Scheme, out.URL.Host, out.Host = p.backends[n].Scheme, p.backends[n].Host, p.backends[n].Host
		out.Body = io.NopCloser(bytes.NewReader(body))
		var res *http.Response
		if res, err = p.tr.RoundTrip(out); err == nil {
			res.Header.Set(replicaHeader, strconv.Itoa(int(n)))
			return res, nil
		}
		if !errors.Is(err, syscall.ECONNREFUSED) && !(idempotent(r) && brokeBeforeAnswer(err)) {
			return nil, err
		}
		p.retried.Add(1)
	}
	return nil, err
}

func idempotent(r *http.Request) bool {
	return r.Method == http.MethodGet || r.Header.Get("Idempotency-Key") != ""
}

func brokeBeforeAnswer(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

func (p *rrProxy) handler() http.Handler {
	return &httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) {}, // the transport picks the backend
		Transport: p,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			w.Header().Set("X-Test-Proxy-Error", err.Error())
			w.WriteHeader(http.StatusBadGateway)
		},
	}
}

// hookLog keeps every verified delivery in arrival order.
type hookLog struct {
	t    *testing.T
	hook *standardwebhooks.Webhook
	mu   sync.Mutex
	got  []hookSeen
}

type hookSeen struct {
	id, user string
	seq      int64
}

func (h *hookLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d, ok := verifyDelivery(h.t, h.hook, w, r)
	if !ok {
		return
	}
	var ev struct {
		Data struct {
			User     string `json:"partner_user_id"`
			Sequence int64  `json:"sequence"`
		} `json:"data"`
	}
	_ = json.Unmarshal(d.body, &ev)
	h.mu.Lock()
	h.got = append(h.got, hookSeen{id: d.id, user: ev.Data.User, seq: ev.Data.Sequence})
	h.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (h *hookLog) seen() []hookSeen {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.got)
}

// TestThreeReplicasOneDatabase runs three servers on one PostgreSQL and one Redis behind
// a round-robin proxy: idempotency holds across replicas, the failed-auth limit is one
// budget for all of them, every case is decided once, every webhook event is delivered
// once and in sequence order per user, and a rolling restart (SIGTERM one replica at a
// time, start it again) loses no request.
func TestThreeReplicasOneDatabase(t *testing.T) {
	dbURL := testenv.PostgresURL(t)
	redisURL, prefix := testenv.RedisURL(t)
	cli(t, dbURL, "migrate", "up")
	db := openDB(t, dbURL)
	hooks := &hookLog{t: t}
	recv := httptest.NewServer(hooks)
	defer recv.Close()
	p := createPartner(t, dbURL, "--webhook-url", recv.URL)
	hook, err := standardwebhooks.NewWebhook(p.WebhookSecret)
	if err != nil {
		t.Fatal(err)
	}
	hooks.hook = hook

	addrs := []string{freePort(t), freePort(t), freePort(t)}
	rr := newRRProxy(addrs)
	front := httptest.NewServer(rr.handler())
	defer front.Close()
	flags := []string{"--redis-url=" + redisURL, "--redis-prefix=" + prefix, "--public-url=" + front.URL, "--workers=1"}
	procs := make([]*proc, len(addrs))
	for i, a := range addrs {
		procs[i] = serve(t, dbURL, a, flags...)
	}
	logs := func() string {
		var b strings.Builder
		for i, pr := range procs {
			fmt.Fprintf(&b, "---- replica %d\n%s", i, pr.logs.String())
		}
		return b.String()
	}
	client := &http.Client{Timeout: 2 * time.Minute}

	t.Run("idempotency across replicas", func(t *testing.T) { idempotentAcrossReplicas(t, client, addrs, p, db) })
	t.Run("one failed-auth budget", func(t *testing.T) {
		sharedFailureBudget(t, client, front.URL)
		if t.Failed() && strings.Contains(logs(), "redis rate limit check failed") {
			t.Log("a replica could not reach Redis in time and counted in its own buckets meanwhile")
		}
	})

	const users = 12
	for i := range users {
		submitLight(t, openWidget(t, front.URL, p, fmt.Sprintf("replica-user-%d", i)))
	}
	if !poll(4*time.Minute, func() bool {
		var n int
		_ = db.QueryRow(`SELECT COUNT(*) FROM kyc_cases WHERE state = 'decided'`).Scan(&n)
		return n == users
	}) {
		t.Fatalf("not every case was decided\n%s", logs())
	}
	rows, err := db.Query(`SELECT c.partner_user_id, COUNT(h.id) FROM kyc_cases c
		LEFT JOIN status_history h ON h.case_id = c.id AND h.from_status = 'pending' GROUP BY c.id, c.partner_user_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var user string
		var decisions int
		if err := rows.Scan(&user, &decisions); err != nil {
			t.Fatal(err)
		}
		if decisions != 1 {
			t.Errorf("%s: %d decisions, want 1", user, decisions)
		}
	}
	_ = rows.Close()
	checkHooksOnce(t, db, hooks, 2*users)

	rollingRestart(t, client, front.URL, p, addrs, procs, flags, dbURL, rr)
	// Nothing was delivered twice across the restarts either.
	checkHooksOnce(t, db, hooks, 2*users)
}

// idempotentAcrossReplicas: one Idempotency-Key sent to two different replicas, one after
// the other, and then with another key to all three at once, answers the same each time
// and opens one session per key.
func idempotentAcrossReplicas(t *testing.T, client *http.Client, addrs []string, p created, db *sql.DB) {
	post := func(addr, user, key string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/widget/session", strings.NewReader(sessionBody(user)))
		req.Header.Set("Authorization", "Bearer "+p.ClientToken)
		req.Header.Set("Idempotency-Key", key)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var v struct {
			InitToken string `json:"init_token"`
		}
		_ = json.NewDecoder(res.Body).Decode(&v)
		return res.StatusCode, v.InitToken
	}
	sessions := func(user string) (n int) {
		_ = db.QueryRow(`SELECT COUNT(*) FROM sessions WHERE partner_user_id = $1`, user).Scan(&n)
		return
	}
	c1, tok1 := post(addrs[0], "idem-seq", "key-seq")
	c2, tok2 := post(addrs[1], "idem-seq", "key-seq")
	if c1 != http.StatusUnprocessableEntity || c2 != c1 || tok1 == "" || tok2 != tok1 {
		t.Errorf("same key on two replicas: %d %q then %d %q, want the same 422 kyc_required answer", c1, tok1, c2, tok2)
	}
	if n := sessions("idem-seq"); n != 1 {
		t.Errorf("%d sessions for one key sent to two replicas, want 1", n)
	}

	type answer struct {
		code int
		tok  string
	}
	answers := make([]answer, len(addrs))
	var wg sync.WaitGroup
	for i, a := range addrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, "http://"+a+"/widget/session", strings.NewReader(sessionBody("idem-race")))
			req.Header.Set("Authorization", "Bearer "+p.ClientToken)
			req.Header.Set("Idempotency-Key", "key-race")
			res, err := client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			var v struct {
				InitToken string `json:"init_token"`
			}
			_ = json.NewDecoder(res.Body).Decode(&v)
			answers[i] = answer{res.StatusCode, v.InitToken}
		}()
	}
	wg.Wait()
	for _, a := range answers {
		if a.code != http.StatusUnprocessableEntity || a.tok == "" || a.tok != answers[0].tok {
			t.Errorf("same key on three replicas at once: %+v, want one 422 kyc_required answer three times", answers)
			break
		}
	}
	if n := sessions("idem-race"); n != 1 {
		t.Errorf("%d sessions for one key sent to three replicas at once, want 1", n)
	}
}

// sharedFailureBudget: 45 made-up tokens from one address, round robin over the three
// replicas (15 each, fewer than one replica's budget of 20): counted in Redis they spend
// one budget, so past it every replica refuses with 429.
func sharedFailureBudget(t *testing.T, client *http.Client, front string) {
	const n = 45
	start := time.Now()
	unauthorized := 0
	limitedBy := map[string]int{}
	for i := range n {
		req, _ := http.NewRequest(http.MethodGet, front+"/widget/users/someone/kyc-status", nil)
		req.Header.Set("Authorization", fmt.Sprintf("Bearer made-up-token-%d", i))
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		switch res.StatusCode {
		case http.StatusUnauthorized:
			unauthorized++
		case http.StatusTooManyRequests:
			limitedBy[res.Header.Get(replicaHeader)]++
		default:
			t.Fatalf("made-up token %d: status %d", i, res.StatusCode)
		}
	}
	// The budget refills at one a second: the elapsed time bounds what it can have earned.
	most := 20 + int(time.Since(start)/time.Second) + 1
	if unauthorized > most || len(limitedBy) != 3 {
		t.Errorf("%d made-up tokens looked up (at most %d with one budget), 429s by replica %v (want all three)",
			unauthorized, most, limitedBy)
	}
}

// checkHooksOnce waits until every webhook event in the outbox is delivered, then checks
// that each reached the receiver exactly once and that each user's arrived in sequence
// order.
func checkHooksOnce(t *testing.T, db *sql.DB, hooks *hookLog, atLeast int) {
	t.Helper()
	var ids []string
	if !poll(3*time.Minute, func() bool {
		var pending int
		_ = db.QueryRow(`SELECT COUNT(*) FROM webhook_events WHERE state <> 'delivered'`).Scan(&pending)
		ids = ids[:0]
		rows, err := db.Query(`SELECT id FROM webhook_events`)
		if err != nil {
			return false
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			_ = rows.Scan(&id)
			ids = append(ids, id)
		}
		return pending == 0 && len(ids) >= atLeast && len(hooks.seen()) >= len(ids)
	}) {
		t.Fatalf("webhooks not all delivered: %d events in the outbox, %d deliveries seen", len(ids), len(hooks.seen()))
	}
	count := map[string]int{}
	last := map[string]int64{}
	for _, d := range hooks.seen() {
		count[d.id]++
		if d.seq <= last[d.user] {
			t.Errorf("%s: event %s with sequence %d arrived after sequence %d", d.user, d.id, d.seq, last[d.user])
		}
		last[d.user] = max(last[d.user], d.seq)
	}
	for _, id := range ids {
		if count[id] != 1 {
			t.Errorf("event %s delivered %d times, want once", id, count[id])
		}
		delete(count, id)
	}
	if len(count) != 0 {
		t.Errorf("deliveries of events not in the outbox: %v", count)
	}
}

// rollingRestart stops each replica in turn with SIGTERM and starts it again, while two
// clients keep sending status reads and session creations through the proxy. Every
// request is answered (200, or 422 kyc_required for a session): a replica that is down
// refuses the connection and the proxy tries the next one.
func rollingRestart(t *testing.T, client *http.Client, front string, p created, addrs []string, procs []*proc,
	flags []string, dbURL string, rr *rrProxy) {
	stop := make(chan struct{})
	var stopOnce sync.Once
	var sent, failed atomic.Int64
	var mu sync.Mutex
	var failures []string
	var wg sync.WaitGroup
	for g := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var req *http.Request
				if i%2 == 0 {
					req, _ = http.NewRequest(http.MethodGet, fmt.Sprintf("%s/widget/users/replica-user-%d/kyc-status", front, i%12), nil)
				} else {
					req, _ = http.NewRequest(http.MethodPost, front+"/widget/session", strings.NewReader(sessionBody(fmt.Sprintf("rolling-%d-%d", g, i))))
					// As a partner's backend sends them: a session creation can be retried.
					req.Header.Set("Idempotency-Key", fmt.Sprintf("rolling-%d-%d", g, i))
				}
				req.Header.Set("Authorization", "Bearer "+p.ClientToken)
				sent.Add(1)
				res, err := client.Do(req)
				what := ""
				if err != nil {
					what = err.Error()
				} else {
					_, _ = io.Copy(io.Discard, res.Body)
					_ = res.Body.Close()
					// 422 is kyc_required: the answer to a session for a user not yet verified.
					if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusUnprocessableEntity {
						what = fmt.Sprintf("%d from replica %q %s", res.StatusCode, res.Header.Get(replicaHeader), res.Header.Get("X-Test-Proxy-Error"))
					}
				}
				if what != "" {
					failed.Add(1)
					mu.Lock()
					failures = append(failures, req.Method+" "+req.URL.Path+": "+what)
					mu.Unlock()
				}
				time.Sleep(50 * time.Millisecond)
			}
		}()
	}
	// A fatal wait below must not leave the clients running.
	defer func() { stopOnce.Do(func() { close(stop) }); wg.Wait() }()
	for i, a := range addrs {
		before := sent.Load()
		waitFor(t, "requests to flow before the restart", 2*time.Minute, func() bool { return sent.Load() >= before+10 })
		_ = procs[i].cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-procs[i].done:
		case <-time.After(time.Minute):
			t.Fatalf("replica %d did not stop within a minute of SIGTERM\n%s", i, procs[i].logs.String())
		}
		mid := sent.Load()
		waitFor(t, "requests to flow while a replica is down", 2*time.Minute, func() bool { return sent.Load() >= mid+10 })
		procs[i] = serve(t, dbURL, a, flags...)
	}
	before := sent.Load()
	waitFor(t, "requests to flow after the restarts", 2*time.Minute, func() bool { return sent.Load() >= before+10 })
	stopOnce.Do(func() { close(stop) })
	wg.Wait()
	t.Logf("rolling restart: %d requests, %d retried on the next replica (connection refused, or reset before an answer), %d failed",
		sent.Load(), rr.retried.Load(), failed.Load())
	if len(failures) > 0 {
		t.Errorf("%d of %d requests failed during the rolling restart:\n%s", len(failures), sent.Load(), strings.Join(failures, "\n"))
	}
	if rr.retried.Load() == 0 {
		t.Error("no request met a stopped replica: the restart was not exercised")
	}
}
