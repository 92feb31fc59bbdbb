package main

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rampart-id/rampart/document/doctest"
)

type report struct {
	started   time.Time
	cfg       config
	backends  []backendResult
	widget    widgetResult
	faces     faceResult
	documents doctest.Survey
	errors    []string
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }

func (r *report) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmarks\n\nOne `make bench` run, %s. Machine: %s.\n", r.started.UTC().Format("2006-01-02 15:04 MST"), machine())
	fmt.Fprintf(&b, "Load generator and server on the same machine over loopback; server = `bin/rampart serve` (2 verification workers); "+
		"throughput runs: %d concurrent clients for %s each. PostgreSQL 15 stands in for CockroachDB.\n\n", r.cfg.concurrency, r.cfg.duration)
	for _, be := range r.backends {
		fmt.Fprintf(&b, "## %s\n\n| run | req/s | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|\n", be.Name)
		var restRPS, connectRPS float64
		for _, s := range append(be.Runs, be.Floor) {
			rps := fmt.Sprintf("%.0f", s.RPS)
			if strings.HasPrefix(s.Name, "UploadDocument") {
				rps = "—"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %d |\n", s.Name, rps, ms(s.P50), ms(s.P99), s.Errors)
			switch s.Name {
			case "GET kyc-status REST":
				restRPS = s.RPS
			case "GetKycStatus Connect":
				connectRPS = s.RPS
			}
		}
		d := be.Decisions
		fmt.Fprintf(&b, "\nSubmission → decision (%d cases, one at a time): p50 %s ms, p95 %s ms.\n\n", d.N, ms(d.P50), ms(d.P95))
		if d.FirstError != "" {
			fmt.Fprintf(&b, "The decision run stopped early: %s\n\n", d.FirstError)
		}
		if be.Floor.RPS > 0 && connectRPS > 0 {
			fmt.Fprintf(&b, "Ratio service / floor: REST %.0f%% of the database floor's throughput; REST / Connect = %.0f%%.\n\n",
				100*restRPS/be.Floor.RPS, 100*restRPS/connectRPS)
		}
		for _, s := range be.Runs {
			if s.FirstError != "" {
				fmt.Fprintf(&b, "First error in %q: %s\n\n", s.Name, s.FirstError)
			}
		}
	}
	b.WriteString(r.widgetSection())
	b.WriteString(r.faceStages())
	b.WriteString(documentSection(r.documents))
	b.WriteString(r.targets())
	b.WriteString("\n" + history)
	if len(r.errors) > 0 {
		fmt.Fprintf(&b, "\n## Errors\n\n")
		for _, e := range r.errors {
			fmt.Fprintf(&b, "- %s\n", e)
		}
	}
	return b.String()
}

//go:embed history.md
var history string

// targets compares this run with the performance targets (PostgreSQL, the production
// store's stand-in, and the widget).
func (r *report) targets() string {
	var b strings.Builder
	b.WriteString("## Targets (PostgreSQL)\n\n| target | this run | |\n|---|---|---|\n")
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "**missed**"
	}
	for _, be := range r.backends {
		if be.Name != "postgres" {
			continue
		}
		find := func(name string) stats {
			for _, s := range be.Runs {
				if s.Name == name {
					return s
				}
			}
			return stats{}
		}
		rest, con, fixed := find("GET kyc-status REST"), find("GetKycStatus Connect"), find("GET kyc-status REST @1000 req/s")
		ratio := rest.RPS / be.Floor.RPS
		fmt.Fprintf(&b, "| kyc-status REST ≥ 50%% of the floor's throughput | %.0f%% | %s |\n", 100*ratio, verdict(ratio >= 0.5))
		fmt.Fprintf(&b, "| kyc-status REST p99 ≤ 5 ms at 1,000 req/s | %s ms | %s |\n", ms(fixed.P99), verdict(fixed.P99 <= 5*time.Millisecond))
		fmt.Fprintf(&b, "| REST within 15%% of Connect | %.0f%% | %s |\n", 100*rest.RPS/con.RPS, verdict(rest.RPS >= 0.85*con.RPS))
		fmt.Fprintf(&b, "| decision p95 ≤ 5 s | %s ms | %s |\n", ms(be.Decisions.P95), verdict(be.Decisions.N > 0 && be.Decisions.P95 <= 5*time.Second))
	}
	w := r.widget
	if n := len(w.FirstPaint); n > 0 {
		fmt.Fprintf(&b, "| widget (all assets) ≤ 2.0 MB brotli | %.2f MB | %s |\n", float64(w.Total)/1e6, verdict(w.Total <= 2_000_000))
		fmt.Fprintf(&b, "| first load ≤ 1.0 MB before the first screen | %.3f MB (median) | %s |\n",
			float64(w.FirstScreenBytes[n/2])/1e6, verdict(w.FirstScreenBytes[n/2] <= 1_000_000))
		fmt.Fprintf(&b, "| interactive ≤ 5 s at 1.6 Mbps / 150 ms / 4× CPU | %.0f ms (median) | %s |\n", w.Interactive[n/2], verdict(w.Interactive[n/2] <= 5000))
	}
	return b.String()
}

// faceStages renders the per-stage face timings, Go next to face-api in the browser.
func (r *report) faceStages() string {
	f := r.faces
	if len(f.Rows) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "## Face stages\n\n| stage | input | faces | Go p50 ms | Go p95 ms | browser p50 ms | browser p95 ms |\n|---|---|---:|---:|---:|---:|---:|\n")
	var skipped []string
	for _, row := range f.Rows {
		br := "skipped | —"
		if row.BrN > 0 {
			br = ms(row.BrP50) + " | " + ms(row.BrP95)
		} else if row.BrSkipped != "" {
			if !slices.Contains(skipped, row.BrSkipped) {
				skipped = append(skipped, row.BrSkipped)
			}
			br = fmt.Sprintf("skipped (%d) | —", slices.Index(skipped, row.BrSkipped)+1)
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %s |\n", row.Stage, row.Input, row.Faces, ms(row.GoP50), ms(row.GoP95), br)
	}
	fmt.Fprintf(&b, "\nGo: the pure-Go networks (`face.Detector.Detect`, `(*LandmarkNet).Landmarks`, `(*RecognitionNet).Descriptor`, "+
		"embedded weights) in the bench process with GOMAXPROCS=%d, before the servers start; each call once untimed, then %d timed calls "+
		"(per face for landmarks and descriptor, so %d calls on sample1's three faces). The detector time includes resizing the image to the "+
		"square input; landmarks and descriptor include cropping and resizing the face. @416 and @320 are the detector's input size: "+
		"the verifier uses 416 for document photos and selfie frames (320 is shown for comparison); the selfie frame is a 640×480 camera frame of a synthetic "+
		"person (`facetest.LiveVideo`). Landmarks and descriptors do not depend on the detector's input size, so they are timed once per image. With %d samples p95 is the slowest one.\n\n",
		f.Threads, faceRuns, 3*faceRuns, faceRuns)
	if !strings.HasPrefix(f.Browser, "skipped") {
		fmt.Fprintf(&b, "Browser: %s. Same pixels (decoded by Go and handed to the page raw), one warm-up image, then %d runs; "+
			"each stage is the page's wall time from the first call of its network to the end of the last, and the per-face figures are "+
			"the stage time divided by the faces found.\n\n", f.Browser, faceRuns)
	}
	for i, s := range skipped {
		fmt.Fprintf(&b, "(%d) skipped: %s\n\n", i+1, s)
	}
	return b.String()
}

// widgetSection reports the widget's assets and its throttled first load.
func (r *report) widgetSection() string {
	var b strings.Builder
	w := r.widget
	if w.Total > 0 {
		fmt.Fprintf(&b, "## Widget\n\n| asset | bytes on the wire (brotli, else gzip) |\n|---|---:|\n")
		for _, a := range []string{"app", "app.js", "widget.css", "wasm_exec.js", "widget.wasm"} {
			fmt.Fprintf(&b, "| /embed/%s | %d |\n", a, w.Transferred[a])
		}
		fmt.Fprintf(&b, "| **total** | **%d (%.2f MB)** |\n\n", w.Total, float64(w.Total)/1e6)
	}
	if n := len(w.FirstPaint); n > 0 {
		fmt.Fprintf(&b, "Headless Chromium, %d cold loads (fresh profile, cache disabled), each throttled by DevTools emulation to "+
			"1.6 Mbps down / 750 kbps up / 150 ms latency and 4× CPU slowdown. Interactive: the server-rendered consent screen "+
			"is painted and its \"I agree\" is handled (the later of first contentful paint and app.js arming the button); "+
			"first-screen bytes: every response complete by then (encoded, with headers).\n\n"+
			"| median (max) | value |\n|---|---:|\n"+
			"| first contentful paint | %.0f ms (%.0f) |\n| interactive | %.0f ms (%.0f) |\n| widget (wasm) took over | %.0f ms (%.0f) |\n"+
			"| bytes before the first screen | %d (%d) |\n| bytes loaded lazily after it | %d (%d) |\n\n",
			n, w.FirstPaint[n/2], w.FirstPaint[n-1], w.Interactive[n/2], w.Interactive[n-1], w.WidgetReady[n/2], w.WidgetReady[n-1],
			w.FirstScreenBytes[n/2], w.FirstScreenBytes[n-1], w.LazyBytes[n/2], w.LazyBytes[n-1])
	}
	return b.String()
}
