package faults

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/gen/rampart/widget/v1/widgetv1connect"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/server/auth"
)

// The attacks of the attack-surface tests, each usable alone or all at once.

// target is a running server under attack and a record of every answer that broke a
// bound, per attack.
type target struct {
	srv      *proc
	addr     string
	attacker created
	client   *http.Client
	mu       sync.Mutex
	bad      map[string][]string
}

// newTarget migrates a fresh database, creates the attacking partner and starts the
// real binary on it.
func newTarget(t *testing.T) (*target, string) {
	t.Helper()
	dbURL := testenv.PostgresURL(t)
	cli(t, dbURL, "migrate", "up")
	g := &target{attacker: createPartner(t, dbURL), addr: freePort(t), bad: map[string][]string{},
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 200}}}
	g.srv = serve(t, dbURL, g.addr)
	return g, dbURL
}

func (g *target) fail(attack string, o fmt.Stringer) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.bad[attack] = append(g.bad[attack], o.String())
}

// report fails t once per attack that got a wrong answer, with a few examples.
func (g *target) report(t *testing.T) {
	t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	names := make([]string, 0, len(g.bad))
	for k := range g.bad {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		t.Errorf("%s: %d wrong answers, e.g. %v", k, len(g.bad[k]), g.bad[k][:min(3, len(g.bad[k]))])
	}
}

// fanOut runs f(0..n-1) on at most workers goroutines and waits for all of them.
func fanOut(n, workers int, f func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// gzipBombs sends n gzip bodies that inflate to 16 MiB to StartSession without a token,
// workers at a time. Each must be refused as resource_exhausted (429).
func (g *target) gzipBombs(ctx context.Context, t *testing.T, n, workers int) *tally {
	bomb := gzipBomb(t, 16<<20-64)
	var out tally
	fanOut(n, workers, func(int) {
		o := connectCall(ctx, g.client, g.srv.URL, widgetv1connect.WidgetServiceStartSessionProcedure, "", bomb,
			map[string]string{"Content-Encoding": "gzip"})
		out.add(o.key())
		if o.status != http.StatusTooManyRequests || o.code != "resource_exhausted" {
			g.fail("gzip bomb to StartSession", o)
		}
	})
	return &out
}

// heldUploads sends n image calls at once (UploadDocument and SubmitLiveness in turn),
// each under its own made-up widget token, declaring 16 MB and holding back the last
// byte. Each must be refused (401, or 429 once the failures are throttled) without
// waiting for the body. It returns the most body any of them had written when answered.
func (g *target) heldUploads(n int) (*tally, int64) {
	var out tally
	var mu sync.Mutex
	var most int64
	fanOut(n, n, func(i int) {
		bogus, _ := auth.New(auth.PrefixWidget)
		procedure := widgetv1connect.WidgetServiceUploadDocumentProcedure
		if i%2 == 1 {
			procedure = widgetv1connect.WidgetServiceSubmitLivenessProcedure
		}
		o := heldUpload(g.addr, procedure, bogus, 16_000_000, 15*time.Second)
		out.add(o.key())
		mu.Lock()
		most = max(most, o.sent)
		mu.Unlock()
		if o.err != nil || (o.status != http.StatusUnauthorized && o.status != http.StatusTooManyRequests) {
			g.fail("upload held back under a made-up token", o)
		}
	})
	return &out, most
}

// uploadBody is an UploadDocument request carrying img as a passport's front.
func uploadBody(t *testing.T, img []byte) []byte {
	t.Helper()
	b, err := proto.Marshal(&widgetv1.UploadDocumentRequest{DocumentType: widgetv1.DocumentType_DOCUMENT_TYPE_PASSPORT,
		Side: widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT, Image: img})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// images uploads body n times at once with valid widget tokens, taken in turn. Each
// answer must be a decision (200 when may200, else 400 invalid_argument, or 429
// payload_too_large for an image over the decode budget) or a retryable refusal: 429
// rate_limit_exceeded for too many uploads of one token, 503 unavailable while the
// process's upload places are taken, both with a retry hint. Nothing hangs, nothing fails.
func (g *target) images(ctx context.Context, name string, body []byte, tokens []string, n int, may200 bool) *tally {
	var out tally
	fanOut(n, n, func(i int) {
		o := connectCall(ctx, g.client, g.srv.URL, widgetv1connect.WidgetServiceUploadDocumentProcedure, tokens[i%len(tokens)], body, nil)
		out.add(strings.TrimSpace(o.key() + " " + o.slug))
		if !imageVerdict(o, may200) {
			g.fail(name, o)
		}
	})
	return &out
}

func imageVerdict(o connectOutcome, may200 bool) bool {
	switch {
	case o.err != nil:
		return false
	case o.status == http.StatusOK:
		return may200
	case o.status == http.StatusBadRequest:
		return o.code == "invalid_argument"
	case o.status == http.StatusTooManyRequests && o.slug == "payload_too_large":
		return true
	case o.status == http.StatusTooManyRequests && o.slug == "rate_limit_exceeded":
		return o.retryAfter
	case o.status == http.StatusServiceUnavailable:
		return o.code == "unavailable" && o.retryAfter
	}
	return false
}

// hostileImages are attack 3's uploads: the requests of each kind go at once.
type hostileImages struct {
	png16, progressive, noise, tiny []byte
}

func makeHostileImages(t *testing.T) hostileImages {
	t.Helper()
	return hostileImages{
		png16:       uploadBody(t, png16(t, 5000, 5000)),
		progressive: uploadBody(t, progressiveJPEG(2000, 2000)),
		noise:       uploadBody(t, noiseJPEG(t, 10<<20)),
		tiny:        uploadBody(t, tinyPNGHeader(t, 4000, 4000)),
	}
}

// imageUsers are the widget tokens of the image attacks, opened before any attack
// starts: one each for the 16-bit PNGs, the progressive JPEGs and the tiny PNGs, as
// found, and 25 for the noise JPEGs, so that they press on the process-wide bound and
// not only on the per-token one.
type imageUsers struct {
	png16, progressive, tiny []string
	noise                    []string
}

func (g *target) imageUsers(t *testing.T) imageUsers {
	t.Helper()
	one := func(name string) []string { return []string{widgetSession(t, g.srv.URL, g.attacker, name).token} }
	u := imageUsers{png16: one("png16"), progressive: one("progressive"), tiny: one("tiny")}
	for i := range 25 {
		u.noise = append(u.noise, one(fmt.Sprintf("noise-%d", i))...)
	}
	return u
}

// allImages runs the four image attacks at once and logs what came back.
func (g *target) allImages(ctx context.Context, t *testing.T, im hostileImages, users imageUsers) {
	var wg sync.WaitGroup
	var pngs, progs, noises, tinies *tally
	wg.Add(4)
	go func() {
		defer wg.Done()
		pngs = g.images(ctx, "16-bit 5000×5000 PNG", im.png16, users.png16, 12, true)
	}()
	go func() {
		defer wg.Done()
		progs = g.images(ctx, "progressive JPEG of 2,000 scans", im.progressive, users.progressive, 4, false)
	}()
	go func() {
		defer wg.Done()
		noises = g.images(ctx, "10 MiB noise JPEG", im.noise, users.noise, 50, true)
	}()
	go func() {
		defer wg.Done()
		tinies = g.images(ctx, "200-byte PNG of 4000×4000", im.tiny, users.tiny, 20, false)
	}()
	wg.Wait()
	t.Logf("12 16-bit PNGs: %s", pngs)
	t.Logf("4 progressive JPEGs: %s", progs)
	t.Logf("50 noise JPEGs on 25 tokens: %s", noises)
	t.Logf("20 tiny PNGs: %s", tinies)
}

// watches opens n WatchStatus streams on one widget token, workers at a time, and
// leaves the accepted ones open. Beyond a few, streams must be refused as
// resource_exhausted; call closeWatches when done.
func (g *target) watches(token string, n int) []watch {
	var mu sync.Mutex
	var out []watch
	fanOut(n, 10, func(int) {
		w := openWatch(g.client, g.srv.URL, token)
		mu.Lock()
		out = append(out, w)
		mu.Unlock()
	})
	return out
}

// closeWatches closes the streams and checks them: 1 to maxWatchPerToken accepted,
// every other one refused as resource_exhausted.
func (g *target) closeWatches(t *testing.T, ws []watch) {
	t.Helper()
	var out tally
	accepted := 0
	for _, w := range ws {
		out.add(w.key())
		if w.accepted {
			accepted++
		} else if w.code != "resource_exhausted" {
			g.fail("WatchStatus stream beyond the cap", w)
		}
		w.close()
	}
	t.Logf("%d WatchStatus streams on one token: %s", len(ws), &out)
	if accepted == 0 || accepted > maxWatchPerToken {
		t.Errorf("%d WatchStatus streams accepted on one token, want 1 to %d", accepted, maxWatchPerToken)
	}
}
