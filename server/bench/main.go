// Command bench measures a running Rampart against the database floor and writes
// BENCHMARKS.md. It starts the real `rampart` binary (bin/rampart, built by `make bench`)
// on SQLite and on PostgreSQL, drives it over REST, Connect and gRPC from this process,
// and times the widget in headless Chromium. Numbers, not assertions: targets are
// printed next to them.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

type config struct {
	bin         string
	pgAdmin     string
	duration    time.Duration
	concurrency int
	out         string
	facesOnly   bool
	docsOnly    bool
	widgetOnly  bool
	apiOnly     bool
	workers     int
	rounds      int
}

func main() {
	var c config
	flag.StringVar(&c.bin, "bin", "bin/rampart", "rampart binary")
	flag.StringVar(&c.pgAdmin, "postgres", envOr("RAMPART_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"),
		"PostgreSQL server to create the benchmark database on")
	flag.DurationVar(&c.duration, "duration", 5*time.Second, "length of each throughput run")
	flag.IntVar(&c.concurrency, "concurrency", 16, "concurrent clients in throughput runs")
	flag.StringVar(&c.out, "out", "BENCHMARKS.md", "report file")
	flag.BoolVar(&c.facesOnly, "faces-only", false, "time the face stages only (no servers, no widget)")
	flag.BoolVar(&c.docsOnly, "documents-only", false, "run the document read-rate survey only")
	flag.BoolVar(&c.widgetOnly, "widget-only", false, "time the widget's first load only (prints its section)")
	flag.BoolVar(&c.apiOnly, "api-only", false, "partner API throughput only: no documents, face stages, uploads, decisions or widget")
	flag.IntVar(&c.workers, "workers", 2, "verification workers of the server under test")
	flag.IntVar(&c.rounds, "rounds", 3, "interleaved turns the kyc-status runs (REST, Connect, gRPC, floor) split their time into")
	serveFloor := flag.String("serve-floor", "", "internal: serve the floor service on this database URL (the bench starts it so)")
	flag.Parse()
	ctx := context.Background()
	if *serveFloor != "" {
		if err := runFloorProcess(ctx, *serveFloor); err != nil {
			fmt.Fprintf(os.Stderr, "floor: %v\n", err)
			os.Exit(1)
		}
		return
	}
	rep := &report{started: time.Now(), cfg: c, machine: readMachine(), loadStart: loadavg()}
	if c.widgetOnly {
		w, err := measureWidget(ctx, c)
		if err != nil {
			fmt.Fprintf(os.Stderr, "widget: %v\n", err)
			os.Exit(1)
		}
		rep.widget = w
		fmt.Print(rep.widgetSection())
		return
	}
	if !c.apiOnly {
		fmt.Fprintln(os.Stderr, "== documents")
		sv, err := measureDocuments()
		if err != nil {
			fmt.Fprintf(os.Stderr, "documents: %v\n", err)
			rep.errors = append(rep.errors, "documents: "+err.Error())
		}
		rep.documents = sv
		if c.docsOnly {
			fmt.Print(documentSection(sv))
			return
		}
		fmt.Fprintln(os.Stderr, "== face stages")
		fr, err := measureFaces(ctx)
		if err != nil {
			fmt.Fprintf(os.Stderr, "face stages: %v\n", err)
			rep.errors = append(rep.errors, "face stages: "+err.Error())
		}
		rep.faces = fr
		if c.facesOnly {
			fmt.Print(rep.faceStages())
			return
		}
	}
	for _, backend := range []string{"postgres", "sqlite"} {
		fmt.Fprintf(os.Stderr, "== %s\n", backend)
		res, err := runBackend(ctx, c, backend)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", backend, err)
			rep.errors = append(rep.errors, backend+": "+err.Error())
			if len(res.Runs) == 0 {
				continue
			}
			// The runs that finished are still worth reporting.
		}
		rep.backends = append(rep.backends, res)
	}
	if !c.apiOnly {
		fmt.Fprintln(os.Stderr, "== widget")
		w, err := measureWidget(ctx, c)
		if err != nil {
			fmt.Fprintf(os.Stderr, "widget: %v\n", err)
			rep.errors = append(rep.errors, "widget: "+err.Error())
		}
		rep.widget = w
	}
	rep.finished, rep.loadEnd = time.Now(), loadavg()
	md := rep.markdown()
	fmt.Print(md)
	if err := os.WriteFile(c.out, []byte(md), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if len(rep.errors) > 0 {
		os.Exit(1)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// machineFacts are read from the machine at run time, never written by hand.
type machineFacts struct {
	CPU      string
	Cores    int
	MemGiB   float64
	Platform string // GOOS/GOARCH
	Go       string
}

func readMachine() machineFacts {
	m := machineFacts{CPU: "unknown CPU", Cores: runtime.NumCPU(), Platform: runtime.GOOS + "/" + runtime.GOARCH, Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				m.CPU = strings.TrimSpace(strings.SplitN(l, ":", 2)[1])
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int
		_, _ = fmt.Sscanf(strings.SplitN(string(b), "\n", 2)[0], "MemTotal: %d kB", &kb)
		m.MemGiB = float64(kb) / 1024 / 1024
	}
	return m
}

// loadavg is the 1, 5 and 15 minute load averages: other work on the machine shares
// its cores with the load generator, the server and the database.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " / ")
}
