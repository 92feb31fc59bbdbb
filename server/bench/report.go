package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rampart-id/rampart/document/doctest"
)

type report struct {
	started, finished time.Time
	cfg               config
	machine           machineFacts
	loadStart         string
	loadEnd           string
	backends          []backendResult
	widget            widgetResult
	faces             faceResult
	documents         doctest.Survey
	errors            []string
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }

func find(runs []stats, name string) stats {
	for _, s := range runs {
		if s.Name == name {
			return s
		}
	}
	return stats{}
}

func ratio(a, b stats) string {
	if a.RPS == 0 || b.RPS == 0 {
		return "—"
	}
	return fmt.Sprintf("%.3f×", a.RPS/b.RPS)
}

func (r *report) markdown() string {
	var b strings.Builder
	m := r.machine
	b.WriteString("# Benchmarks\n\nWritten by `make bench` from one run: every number and fact in this file was measured or " +
		"read from the machine by that run. Earlier runs and profiling notes are in " +
		"[docs/benchmarks-history.md](docs/benchmarks-history.md), which the bench does not rewrite.\n\n")
	b.WriteString("## This run\n\n| | |\n|---|---|\n")
	fmt.Fprintf(&b, "| started → finished | %s → %s |\n", r.started.UTC().Format("2006-01-02 15:04:05 MST"), r.finished.UTC().Format("15:04:05 MST"))
	fmt.Fprintf(&b, "| machine | %d cores (%s), %.0f GiB RAM, %s |\n", m.Cores, m.CPU, m.MemGiB, m.Platform)
	fmt.Fprintf(&b, "| Go | %s |\n", m.Go)
	for _, be := range r.backends {
		if be.Server != "" {
			fmt.Fprintf(&b, "| %s server | %s |\n", be.Name, be.Server)
		}
	}
	fmt.Fprintf(&b, "| server under test | `%s serve`, %d verification workers, rate limit 1,000,000 req/s (off) |\n", r.cfg.bin, r.cfg.workers)
	fmt.Fprintf(&b, "| load generator | this process, over loopback; %d concurrent clients, %s per run; the kyc-status runs share their time in %d interleaved turns |\n",
		r.cfg.concurrency, r.cfg.duration, r.cfg.rounds)
	fmt.Fprintf(&b, "| load average (1 / 5 / 15 min) | %s at start, %s at end: the machine is shared, and everything on it competes for the same cores |\n",
		r.loadStart, r.loadEnd)
	if r.cfg.apiOnly {
		b.WriteString("| parts run | partner API only (`-api-only`): no documents, face stages, uploads, decisions or widget in this run |\n")
	}
	b.WriteString("\n")
	for _, be := range r.backends {
		fmt.Fprintf(&b, "## %s\n\n| run | req/s | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|\n", be.Name)
		for _, s := range be.Runs {
			rps := fmt.Sprintf("%.0f", s.RPS)
			if strings.HasPrefix(s.Name, "UploadDocument") {
				rps = "—"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %d |\n", s.Name, rps, ms(s.P50), ms(s.P99), s.Errors)
		}
		rest, con, fl := find(be.Runs, "GET kyc-status REST"), find(be.Runs, "GetKycStatus Connect"), find(be.Runs, floorName)
		b.WriteString("\n")
		if fl.N > 0 {
			fmt.Fprintf(&b, "Throughput ratios: **REST / floor = %s**, Connect / floor = %s, **REST / Connect = %s**.\n\n",
				ratio(rest, fl), ratio(con, fl), ratio(rest, con))
			b.WriteString("The floor is a minimal net/http + pgxpool service, a process of its own like the server (the bench binary " +
				"started with -serve-floor; pool of 32 like the server's), serving GET /widget/users/{id}/kyc-status from the same database for the same partner token and user: the " +
				"store's own token query (hash look-up joined to the partner) and profile query (primary key), the token look-up cached " +
				"for 5 s as the server caches it, and the same JSON bytes (a test in `server/bench` compares them). The same load " +
				"generator and HTTP client drive it and the REST runs.\n\n")
		} else if con.N > 0 {
			fmt.Fprintf(&b, "Throughput ratio: REST / Connect = %s. (No floor service on this backend: it is a pgxpool service.)\n\n", ratio(rest, con))
		}
		if d := be.Decisions; d.N > 0 || d.FirstError != "" {
			fmt.Fprintf(&b, "Submission → decision (%d cases, one at a time): p50 %s ms, p95 %s ms.\n\n", d.N, ms(d.P50), ms(d.P95))
			if d.FirstError != "" {
				fmt.Fprintf(&b, "The decision run stopped early: %s\n\n", d.FirstError)
			}
		}
		for _, s := range be.Runs {
			if s.FirstError != "" {
				fmt.Fprintf(&b, "First error in %q: %s\n\n", s.Name, s.FirstError)
			}
		}
	}
	b.WriteString(r.widgetSection())
	b.WriteString(r.faceStages())
	if !r.cfg.apiOnly {
		b.WriteString(documentSection(r.documents))
	}
	b.WriteString(r.targets())
	if len(r.errors) > 0 {
		fmt.Fprintf(&b, "\n## Errors\n\n")
		for _, e := range r.errors {
			fmt.Fprintf(&b, "- %s\n", e)
		}
	}
	return b.String()
}

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
		rest, con, fl, fixed := find(be.Runs, "GET kyc-status REST"), find(be.Runs, "GetKycStatus Connect"), find(be.Runs, floorName),
			find(be.Runs, "GET kyc-status REST @1000 req/s")
		if fl.RPS > 0 && rest.RPS > 0 {
			fmt.Fprintf(&b, "| kyc-status REST ≥ 0.8× the floor's throughput | %s | %s |\n", ratio(rest, fl), verdict(rest.RPS >= 0.8*fl.RPS))
		}
		if con.RPS > 0 && rest.RPS > 0 {
			fmt.Fprintf(&b, "| kyc-status REST ≥ 0.9× Connect | %s | %s |\n", ratio(rest, con), verdict(rest.RPS >= 0.9*con.RPS))
		}
		if fixed.N > 0 {
			fmt.Fprintf(&b, "| kyc-status REST p99 ≤ 5 ms at 1,000 req/s | %s ms | %s |\n", ms(fixed.P99), verdict(fixed.P99 <= 5*time.Millisecond))
		}
		if be.Decisions.N > 0 {
			fmt.Fprintf(&b, "| decision p95 ≤ 5 s | %s ms | %s |\n", ms(be.Decisions.P95), verdict(be.Decisions.P95 <= 5*time.Second))
		}
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
