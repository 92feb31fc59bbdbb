package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action      string
	Package     string
	ImportPath  string // build-output and build-fail
	Test        string
	Elapsed     float64
	Output      string
	FailedBuild string
}

type key struct{ pkg, test string }

// printer turns the event stream into progress lines. read runs in one goroutine
// and stillRunning in another, hence the mutex.
type printer struct {
	mu      sync.Mutex
	w       io.Writer
	now     func() time.Time
	module  string
	began   time.Time
	printed time.Time
	pkgs    map[string]time.Time // started, not finished
	running map[key]time.Time    // top-level tests started, not finished
	output  map[key][]string     // per top-level test (subtests included); test "" is the package's own
	build   map[string][]string  // compiler output per import path

	passed, skipped, failedTests int
	failures                     []string // tests and packages
}

func newPrinter(w io.Writer, now func() time.Time, module string) *printer {
	t := now()
	return &printer{w: w, now: now, module: module, began: t, printed: t,
		pkgs: map[string]time.Time{}, running: map[key]time.Time{},
		output: map[key][]string{}, build: map[string][]string{}}
}

// read consumes the stream; lines that are not JSON (go test's own errors before
// any package runs) are printed as they are.
func (p *printer) read(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Action == "" {
			p.mu.Lock()
			p.println(sc.Text())
			p.mu.Unlock()
			continue
		}
		p.handle(e)
	}
	return sc.Err()
}

func (p *printer) handle(e event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	top, _, sub := strings.Cut(e.Test, "/")
	k := key{e.Package, top}
	switch e.Action {
	case "build-output":
		p.build[e.ImportPath] = append(p.build[e.ImportPath], e.Output)
	case "build-fail":
		p.println("BUILD FAIL " + p.short(e.ImportPath))
		p.dump(p.build[e.ImportPath])
		delete(p.build, e.ImportPath)
	case "start":
		p.pkgs[e.Package] = p.now()
	case "run":
		if !sub && e.Test != "" {
			p.running[k] = p.now()
		}
	case "output":
		p.output[k] = append(p.output[k], e.Output)
	case "pass", "fail", "skip":
		switch {
		case sub:
			// A subtest's outcome is part of its parent's.
		case e.Test != "":
			p.testDone(k, e)
		default:
			p.packageDone(e)
		}
	}
}

func (p *printer) testDone(k key, e event) {
	delete(p.running, k)
	name := p.short(k.pkg) + "." + k.test
	switch e.Action {
	case "pass":
		p.passed++
		p.println(fmt.Sprintf("  pass  %-60s %s", name, seconds(e.Elapsed)))
	case "skip":
		p.skipped++
		p.println(fmt.Sprintf("  skip  %-60s %s", name, seconds(e.Elapsed)))
		// Only the reason: the RUN and SKIP headers repeat the line above.
		for _, l := range p.output[k] {
			if !strings.HasPrefix(l, "=== ") && !strings.HasPrefix(l, "--- SKIP") {
				p.dump([]string{l})
			}
		}
	case "fail":
		p.failedTests++
		p.failures = append(p.failures, name)
		p.println(fmt.Sprintf("--- FAIL %s (%s)", name, seconds(e.Elapsed)))
		p.dump(p.output[k])
	}
	delete(p.output, k)
}

func (p *printer) packageDone(e event) {
	delete(p.pkgs, e.Package)
	own := key{e.Package, ""}
	switch {
	case e.Action == "fail":
		// A panic or timeout ends the binary with tests unfinished: their output
		// is where the cause is.
		var open []key
		for k := range p.output {
			if k.pkg == e.Package && k.test != "" {
				open = append(open, k)
			}
		}
		slices.SortFunc(open, func(a, b key) int { return strings.Compare(a.test, b.test) })
		for _, k := range open {
			p.failedTests++
			p.failures = append(p.failures, p.short(k.pkg)+"."+k.test)
			p.println("--- FAIL (did not finish) " + p.short(k.pkg) + "." + k.test)
			p.dump(p.output[k])
			delete(p.output, k)
			delete(p.running, k)
		}
		if e.FailedBuild != "" {
			p.dump(p.build[e.FailedBuild])
			delete(p.build, e.FailedBuild)
		}
		p.failures = append(p.failures, p.short(e.Package))
		p.dump(p.output[own])
		p.println(fmt.Sprintf("FAIL  %s %s", p.short(e.Package), seconds(e.Elapsed)))
	case e.Action == "pass":
		p.println(fmt.Sprintf("ok    %s %s", p.short(e.Package), seconds(e.Elapsed)))
	}
	// skip: a package without tests; go test prints a line nobody reads.
	delete(p.output, own)
}

// stillRunning names what is running when nothing was printed for quiet, so a
// long package is never silent.
func (p *printer) stillRunning(quiet time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if now.Sub(p.printed) < quiet {
		return
	}
	type item struct {
		name  string
		since time.Time
	}
	var items []item
	for k, t := range p.running {
		items = append(items, item{p.short(k.pkg) + "." + k.test, t})
	}
	if len(items) == 0 {
		for pkg, t := range p.pkgs {
			items = append(items, item{p.short(pkg), t})
		}
	}
	if len(items) == 0 {
		// Nothing started yet, or between packages: the compiler's time.
		p.println("  ...   building, " + now.Sub(p.began).Round(time.Second).String() + " in")
		return
	}
	slices.SortFunc(items, func(a, b item) int {
		if c := a.since.Compare(b.since); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	var parts []string
	for _, it := range items {
		parts = append(parts, fmt.Sprintf("%s %s", it.name, now.Sub(it.since).Round(time.Second)))
	}
	p.println("  ...   running: " + strings.Join(parts, ", "))
}

// summary closes the run: the counts and every failure again, as the last lines.
func (p *printer) summary() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.println(fmt.Sprintf("tests: %d passed, %d skipped, %d failed in %s",
		p.passed, p.skipped, p.failedTests, p.now().Sub(p.began).Round(time.Second)))
	for _, f := range p.failures {
		p.println("FAIL " + f)
	}
}

func (p *printer) failed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.failures) > 0
}

func (p *printer) println(s string) {
	fmt.Fprintln(p.w, s)
	p.printed = p.now()
}

func (p *printer) dump(lines []string) {
	for _, l := range lines {
		fmt.Fprint(p.w, l)
	}
	p.printed = p.now()
}

func (p *printer) short(pkg string) string {
	if p.module == "" {
		return pkg
	}
	return strings.TrimPrefix(pkg, p.module+"/")
}

func seconds(s float64) string {
	return fmt.Sprintf("%.2fs", s)
}
