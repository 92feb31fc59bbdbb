package faults

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/gen/rampart/widget/v1/widgetv1connect"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/internal/testenv"
)

// Bounds the server must hold under attack.
const (
	maxPeakRSS       = 1536 << 20 // the whole process, all attacks at once
	killRSS          = 3 << 30    // past this the test kills the server (it would only grow)
	maxControlWait   = 500 * time.Millisecond
	maxWatchPerToken = 5 // "a few" WatchStatus streams per widget token
)

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

// imageVerdict checks one answer to a hostile image sent with a valid token: a decision
// (200 when may200, else a 400 refusal), or 503 unavailable with a retry hint when the
// decoders are busy. A valid token is never refused (401/429) and nothing hangs.
func imageVerdict(o connectOutcome, may200 bool) bool {
	switch {
	case o.err != nil:
		return false
	case o.status == http.StatusOK:
		return may200
	case o.status == http.StatusBadRequest:
		return o.code == "invalid_argument"
	case o.status == http.StatusServiceUnavailable:
		return o.code == "unavailable" && o.retryAfter
	}
	return false
}

// TestSurfaceCombinedAttack runs four attacks at once against one real server on
// PostgreSQL, while a second partner's backend asks for a user's KYC status every
// 200 ms:
//   - 300 gzip Connect bodies of ~16 kB that inflate to 16 MiB, 100 at a time, sent to
//     StartSession without any token: refused as resource_exhausted without inflating;
//   - 60 UploadDocument calls with made-up widget tokens declaring 16 MB bodies whose
//     last byte never comes: refused (401/429) before the body is read;
//   - images with valid widget tokens: 12 16-bit 5000×5000 PNGs, 4 progressive JPEGs
//     of 2,000 scans (refused), 50 noise JPEGs of ~10 MiB and 20 200-byte PNGs declaring
//     4000×4000 (refused): each decided, or 503 with a retry hint while decoders are busy;
//   - 40 WatchStatus streams held open on one widget token: only a few are accepted, the
//     rest refused as resource_exhausted.
//
// The server's peak RSS stays under 1.5 GB and every bystander request is answered
// within 500 ms.
func TestSurfaceCombinedAttack(t *testing.T) {
	dbURL := testenv.PostgresURL(t)
	cli(t, dbURL, "migrate", "up")
	attacker, bystander := createPartner(t, dbURL), createPartner(t, dbURL)
	addr := freePort(t)
	srv := serve(t, dbURL, addr)
	pngUser := widgetSession(t, srv.URL, attacker, "png16")
	progUser := widgetSession(t, srv.URL, attacker, "progressive")
	noiseUser := widgetSession(t, srv.URL, attacker, "noise")
	tinyUser := widgetSession(t, srv.URL, attacker, "tiny")
	watchUser := widgetSession(t, srv.URL, attacker, "watcher")
	bomb := gzipBomb(t, 16<<20-64)
	pngBody := uploadBody(t, png16(t, 5000, 5000))
	progBody := uploadBody(t, progressiveJPEG(2000, 2000))
	noiseBody := uploadBody(t, noiseJPEG(t, 10<<20))
	tinyBody := uploadBody(t, tinyPNGHeader(t, 4000, 4000))
	t.Logf("inputs: gzip bomb %d B, 16-bit PNG %d B, progressive JPEG %d B, noise JPEG %d B, tiny PNG %d B",
		len(bomb), len(pngBody), len(progBody), len(noiseBody), len(tinyBody))

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 200}}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rssBefore := procStatusKB(srv, "VmRSS") << 10
	rss := watchRSS(srv, killRSS)
	ctl := startControl(srv.URL, bystander, "bystander-user")
	var (
		attacks                          sync.WaitGroup
		bombs, held, pngs, progs, noises tally
		tinies, watches                  tally
		mu                               sync.Mutex
		failures                         []string
		maxHeldSent                      int64
	)
	fail := func(what string, o fmt.Stringer) {
		mu.Lock()
		defer mu.Unlock()
		if len(failures) < 40 {
			failures = append(failures, what+": "+o.String())
		}
	}
	images := func(name string, body []byte, token string, n int, may200 bool, tl *tally) {
		defer attacks.Done()
		fanOut(n, n, func(int) {
			o := connectCall(ctx, client, srv.URL, widgetv1connect.WidgetServiceUploadDocumentProcedure, token, body, nil)
			tl.add(o.key())
			if !imageVerdict(o, may200) {
				fail(name, o)
			}
		})
	}
	streams := make(chan []watch, 1)
	go func() { // 7: streams on one token, held open until the other attacks are over
		var mine []watch
		var smu sync.Mutex
		fanOut(40, 10, func(int) {
			w := openWatch(client, srv.URL, watchUser.token)
			smu.Lock()
			mine = append(mine, w)
			smu.Unlock()
		})
		streams <- mine
	}()
	attacks.Add(6)
	go func() { // 1: gzip bombs
		defer attacks.Done()
		fanOut(300, 100, func(int) {
			o := connectCall(ctx, client, srv.URL, widgetv1connect.WidgetServiceStartSessionProcedure, "", bomb,
				map[string]string{"Content-Encoding": "gzip"})
			bombs.add(o.key())
			if o.status != http.StatusTooManyRequests || o.code != "resource_exhausted" {
				fail("gzip bomb", o)
			}
		})
	}()
	go func() { // 2: bodies held back under made-up tokens
		defer attacks.Done()
		fanOut(60, 60, func(int) {
			bogus, _ := auth.New(auth.PrefixWidget)
			o := heldUpload(addr, bogus, 16_000_000, 15*time.Second)
			held.add(o.key())
			mu.Lock()
			maxHeldSent = max(maxHeldSent, o.sent)
			mu.Unlock()
			if o.err != nil || (o.status != http.StatusUnauthorized && o.status != http.StatusTooManyRequests) {
				fail("held upload", o)
			}
		})
	}()
	go images("16-bit PNG", pngBody, pngUser.token, 12, true, &pngs) // 3
	go images("progressive JPEG", progBody, progUser.token, 4, false, &progs)
	go images("noise JPEG", noiseBody, noiseUser.token, 50, true, &noises)
	go images("tiny PNG", tinyBody, tinyUser.token, 20, false, &tinies)
	attacks.Wait()
	opened := <-streams
	worst, median := ctl.finish()
	peak, killed := rss.finish(srv)
	watchAccepted := 0
	for _, w := range opened {
		watches.add(w.key())
		if w.accepted {
			watchAccepted++
		} else if w.code != "resource_exhausted" {
			fail("WatchStatus beyond the cap", w)
		}
		w.close()
	}

	t.Logf("gzip bombs: %s", bombs.String())
	t.Logf("held uploads: %s; at most %d MB of a body written before the answer", held.String(), maxHeldSent>>20)
	t.Logf("16-bit PNGs: %s", pngs.String())
	t.Logf("progressive JPEGs: %s", progs.String())
	t.Logf("noise JPEGs: %s", noises.String())
	t.Logf("tiny PNGs: %s", tinies.String())
	t.Logf("WatchStatus on one token: %s", watches.String())
	t.Logf("server RSS: %d MB before, peak %d MB", rssBefore>>20, peak>>20)
	t.Logf("bystander kyc-status: %d requests, median %v, worst %v", len(ctl.lat), median, worst)

	if killed {
		t.Errorf("server RSS passed %d MB: killed it", killRSS>>20)
	} else {
		healthy(t, srv)
	}
	if peak >= maxPeakRSS {
		t.Errorf("peak RSS %d MB, want under %d MB", peak>>20, maxPeakRSS>>20)
	}
	if worst >= maxControlWait || len(ctl.bad) > 0 {
		t.Errorf("bystander: worst %v (want under %v); failed: %v", worst, maxControlWait, ctl.bad)
	}
	if watchAccepted == 0 || watchAccepted > maxWatchPerToken {
		t.Errorf("%d WatchStatus streams accepted on one token, want 1 to %d", watchAccepted, maxWatchPerToken)
	}
	for _, f := range failures {
		t.Error(f)
	}
}
