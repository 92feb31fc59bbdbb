package faults

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/rampart-id/rampart/gen/rampart/widget/v1/widgetv1connect"
)

// Each attack of TestSurfaceCombinedAttack alone, on its own server, so a failure names
// the bound that is missing.

// maxSingleRSS bounds the server under one attack that should cost it next to nothing:
// neither a refused body nor an idle stream may be held in memory.
const maxSingleRSS = 512 << 20

func checkRSS(t *testing.T, g *target, rss *rssWatch, bound int64) {
	t.Helper()
	peak, killed := rss.finish(g.srv)
	t.Logf("server peak RSS: %d MB", peak>>20)
	if killed {
		t.Errorf("server RSS passed %d MB: killed it", killRSS>>20)
		return
	}
	if peak >= bound {
		t.Errorf("peak RSS %d MB, want under %d MB", peak>>20, bound>>20)
	}
	healthy(t, g.srv)
}

// TestSurfaceGzipBomb: 300 gzip bodies of ~16 kB that inflate to 16 MiB, 100 at a time,
// to StartSession without a token. The server refuses them all as resource_exhausted
// (small procedures take 1 MiB, inflated) and its memory stays small.
func TestSurfaceGzipBomb(t *testing.T) {
	g, _ := newTarget(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rss := watchRSS(g.srv, killRSS)
	start := time.Now()
	t.Logf("300 gzip bombs: %s in %v", g.gzipBombs(ctx, t, 300, 100), time.Since(start).Round(time.Millisecond))
	checkRSS(t, g, rss, maxSingleRSS)
	g.report(t)
}

// TestSurfaceHeldBodies: 60 UploadDocument and SubmitLiveness calls at once under
// made-up widget tokens, each declaring 16 MB and holding back its last byte. The
// server checks the token first: every call is refused (401, or 429 once throttled)
// while its body is still incomplete, and nothing of the bodies is kept.
func TestSurfaceHeldBodies(t *testing.T) {
	g, _ := newTarget(t)
	rss := watchRSS(g.srv, killRSS)
	start := time.Now()
	held, most := g.heldUploads(60)
	t.Logf("60 held uploads: %s in %v; at most %d MB of a body written before the answer", held,
		time.Since(start).Round(time.Millisecond), most>>20)
	checkRSS(t, g, rss, maxSingleRSS)
	g.report(t)
}

// TestSurfaceHostileImages: on a quiet server a progressive JPEG of 2,000 scans (40 kB,
// ~5 s of decoding unguarded) and a 200-byte PNG declaring 4000×4000 16-bit pixels
// (128 MB to allocate) are refused as invalid_argument, promptly, and a 16-bit
// 5000×5000 PNG (200 MB decoded) is decided: decoded, or refused as over the decode
// budget. Then 12 such PNGs, 4 progressive JPEGs, 50 noise JPEGs of ~10 MiB from 25
// tokens and 20 tiny PNGs go at once: each is decided or turned away with a retry
// hint, and the server stays under 1.5 GB.
func TestSurfaceHostileImages(t *testing.T) {
	g, _ := newTarget(t)
	users := g.imageUsers(t)
	im := makeHostileImages(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, c := range []struct {
		name string
		body []byte
		user []string
	}{
		{"progressive JPEG of 2,000 scans", im.progressive, users.progressive},
		{"200-byte PNG declaring 4000×4000", im.tiny, users.tiny},
	} {
		o := connectCall(ctx, g.client, g.srv.URL, widgetv1connect.WidgetServiceUploadDocumentProcedure, c.user[0], c.body, nil)
		t.Logf("%s alone: %v in %v", c.name, o, o.elapsed.Round(time.Millisecond))
		if o.status != http.StatusBadRequest || o.code != "invalid_argument" {
			t.Errorf("%s: %v, want 400 invalid_argument", c.name, o)
		}
		if o.elapsed > 2*time.Second {
			t.Errorf("%s: refused only after %v: it was decoded", c.name, o.elapsed.Round(time.Millisecond))
		}
	}
	// The 16-bit PNG alone is decided: decoded within the budget (200) or refused as
	// over it (400, or 429 payload_too_large); a quiet server has no reason to say busy.
	o := connectCall(ctx, g.client, g.srv.URL, widgetv1connect.WidgetServiceUploadDocumentProcedure, users.png16[0], im.png16, nil)
	t.Logf("16-bit 5000×5000 PNG alone: %v in %v", o, o.elapsed.Round(time.Millisecond))
	if !imageVerdict(o, true) || o.slug == "rate_limit_exceeded" || o.status == http.StatusServiceUnavailable {
		t.Errorf("16-bit 5000×5000 PNG alone: %v, want a decision", o)
	}
	rss := watchRSS(g.srv, killRSS)
	start := time.Now()
	g.allImages(ctx, t, im, users)
	t.Logf("all image attacks answered in %v", time.Since(start).Round(time.Millisecond))
	checkRSS(t, g, rss, maxPeakRSS)
	g.report(t)
}

// TestSurfaceWatchStatusCap: one widget token asks for 40 WatchStatus streams and keeps
// them open. Only a few are accepted, the rest are refused as resource_exhausted; the
// cap is per token (another user's stream opens meanwhile) and closing the streams
// frees it.
func TestSurfaceWatchStatusCap(t *testing.T) {
	g, _ := newTarget(t)
	a := widgetSession(t, g.srv.URL, g.attacker, "watcher")
	b := widgetSession(t, g.srv.URL, g.attacker, "neighbour")
	rss := watchRSS(g.srv, killRSS)
	held := g.watches(a.token, 40)
	other := openWatch(g.client, g.srv.URL, b.token)
	if !other.accepted {
		t.Errorf("another user's first stream while the first user holds the cap: %v", other)
	}
	other.close()
	g.closeWatches(t, held)
	var again watch
	waitFor(t, "a stream once the held ones are closed", 5*time.Second, func() bool {
		again = openWatch(g.client, g.srv.URL, a.token)
		again.close()
		return again.accepted
	})
	checkRSS(t, g, rss, maxSingleRSS)
	g.report(t)
}
