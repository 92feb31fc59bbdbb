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
	flag.Parse()
	ctx := context.Background()
	rep := &report{started: time.Now(), cfg: c}
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
	fmt.Fprintln(os.Stderr, "== widget")
	w, err := measureWidget(ctx, c)
	if err != nil {
		fmt.Fprintf(os.Stderr, "widget: %v\n", err)
		rep.errors = append(rep.errors, "widget: "+err.Error())
	}
	rep.widget = w
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

func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				cpu = strings.TrimSpace(strings.SplitN(l, ":", 2)[1])
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int
		fmt.Sscanf(strings.SplitN(string(b), "\n", 2)[0], "MemTotal: %d kB", &kb)
		mem = fmt.Sprintf(", %.0f GiB RAM", float64(kb)/1024/1024)
	}
	return fmt.Sprintf("%d cores (%s)%s, %s/%s, %s", runtime.NumCPU(), cpu, mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}
