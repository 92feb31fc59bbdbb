package main

import (
	"strings"
	"testing"
	"time"
)

// clock is a fake time the test moves by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func run(t *testing.T, stream string) (*printer, *clock, string) {
	t.Helper()
	var out strings.Builder
	c := &clock{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	p := newPrinter(&out, c.now, "example.com/m")
	if err := p.read(strings.NewReader(stream)); err != nil {
		t.Fatal(err)
	}
	p.summary()
	return p, c, out.String()
}

// The lines below are what cmd/test2json writes for a package with a passing test
// (with a subtest), a skipped one and a failing one.
const mixed = `{"Action":"start","Package":"example.com/m/a"}
{"Action":"run","Package":"example.com/m/a","Test":"TestOK"}
{"Action":"output","Package":"example.com/m/a","Test":"TestOK","Output":"=== RUN   TestOK\n"}
{"Action":"run","Package":"example.com/m/a","Test":"TestOK/sub"}
{"Action":"output","Package":"example.com/m/a","Test":"TestOK/sub","Output":"    a_test.go:9: chatty pass\n"}
{"Action":"pass","Package":"example.com/m/a","Test":"TestOK/sub","Elapsed":0.5}
{"Action":"pass","Package":"example.com/m/a","Test":"TestOK","Elapsed":1.25}
{"Action":"run","Package":"example.com/m/a","Test":"TestSkip"}
{"Action":"output","Package":"example.com/m/a","Test":"TestSkip","Output":"=== RUN   TestSkip\n"}
{"Action":"output","Package":"example.com/m/a","Test":"TestSkip","Output":"    a_test.go:20: needs PostgreSQL\n"}
{"Action":"output","Package":"example.com/m/a","Test":"TestSkip","Output":"--- SKIP: TestSkip (0.00s)\n"}
{"Action":"skip","Package":"example.com/m/a","Test":"TestSkip","Elapsed":0}
{"Action":"run","Package":"example.com/m/a","Test":"TestBad"}
{"Action":"output","Package":"example.com/m/a","Test":"TestBad","Output":"=== RUN   TestBad\n"}
{"Action":"run","Package":"example.com/m/a","Test":"TestBad/case"}
{"Action":"output","Package":"example.com/m/a","Test":"TestBad/case","Output":"    a_test.go:30: got 1, want 2\n"}
{"Action":"fail","Package":"example.com/m/a","Test":"TestBad/case","Elapsed":0}
{"Action":"output","Package":"example.com/m/a","Test":"TestBad","Output":"--- FAIL: TestBad (0.01s)\n"}
{"Action":"fail","Package":"example.com/m/a","Test":"TestBad","Elapsed":0.01}
{"Action":"output","Package":"example.com/m/a","Output":"FAIL\n"}
{"Action":"fail","Package":"example.com/m/a","Elapsed":2}
{"Action":"start","Package":"example.com/m/b"}
{"Action":"output","Package":"example.com/m/b","Output":"?   \texample.com/m/b\t[no test files]\n"}
{"Action":"skip","Package":"example.com/m/b","Elapsed":0}
`

func TestEachTopLevelTestAndPackage(t *testing.T) {
	p, _, out := run(t, mixed)
	for _, want := range []string{
		"  pass  a.TestOK ",
		"1.25s",
		"  skip  a.TestSkip",
		"needs PostgreSQL",
		"--- FAIL a.TestBad (0.01s)",
		"a_test.go:30: got 1, want 2", // a failure's output, subtests included, in full
		"FAIL  a 2.00s",
		"tests: 1 passed, 1 skipped, 1 failed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, noise := range []string{"chatty pass", "TestOK/sub", "no test files", "=== RUN   TestSkip", "--- SKIP"} {
		if strings.Contains(out, noise) {
			t.Errorf("output has %q:\n%s", noise, out)
		}
	}
	if !p.failed() {
		t.Error("a failing test did not count as a failure")
	}
	// The failures come again at the very end, where a CI log is read first.
	if !strings.HasSuffix(out, "FAIL a.TestBad\nFAIL a\n") {
		t.Errorf("output does not end with the failures:\n%s", out)
	}
}

func TestPassingRunIsNotAFailure(t *testing.T) {
	p, _, out := run(t, `{"Action":"start","Package":"example.com/m"}
{"Action":"run","Package":"example.com/m","Test":"TestA"}
{"Action":"pass","Package":"example.com/m","Test":"TestA","Elapsed":0.1}
{"Action":"output","Package":"example.com/m","Output":"ok  \texample.com/m\t0.2s\n"}
{"Action":"pass","Package":"example.com/m","Elapsed":0.2}
`)
	if p.failed() {
		t.Errorf("failed:\n%s", out)
	}
	if !strings.Contains(out, "ok    example.com/m 0.20s") || !strings.Contains(out, "  pass  example.com/m.TestA") {
		t.Errorf("output:\n%s", out)
	}
}

// A panic (or -timeout) kills the test binary: the running test never gets its
// own fail event, and its output holds the cause.
func TestPanicShowsTheUnfinishedTest(t *testing.T) {
	p, _, out := run(t, `{"Action":"start","Package":"example.com/m/c"}
{"Action":"run","Package":"example.com/m/c","Test":"TestHang"}
{"Action":"output","Package":"example.com/m/c","Test":"TestHang","Output":"panic: test timed out after 20m0s\n"}
{"Action":"output","Package":"example.com/m/c","Output":"FAIL\texample.com/m/c\t1200.0s\n"}
{"Action":"fail","Package":"example.com/m/c","Elapsed":1200}
`)
	if !p.failed() || !strings.Contains(out, "did not finish) c.TestHang") || !strings.Contains(out, "panic: test timed out") {
		t.Errorf("output:\n%s", out)
	}
}

func TestBuildFailureIsPrinted(t *testing.T) {
	p, _, out := run(t, `{"ImportPath":"example.com/m/d [example.com/m/d.test]","Action":"build-output","Output":"d/x_test.go:3:1: syntax error\n"}
{"ImportPath":"example.com/m/d [example.com/m/d.test]","Action":"build-fail"}
{"Action":"start","Package":"example.com/m/d"}
{"Action":"output","Package":"example.com/m/d","Output":"FAIL\texample.com/m/d [build failed]\n"}
{"Action":"fail","Package":"example.com/m/d","Elapsed":0,"FailedBuild":"example.com/m/d [example.com/m/d.test]"}
`)
	if !p.failed() || !strings.Contains(out, "syntax error") || !strings.Contains(out, "BUILD FAIL d [") {
		t.Errorf("output:\n%s", out)
	}
}

func TestNonJSONLinesPassThrough(t *testing.T) {
	_, _, out := run(t, "go: warning: something\n")
	if !strings.Contains(out, "go: warning: something") {
		t.Errorf("output:\n%s", out)
	}
}

func TestBuildingBeforeAnyPackage(t *testing.T) {
	var out strings.Builder
	c := &clock{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	p := newPrinter(&out, c.now, "example.com/m")
	c.t = c.t.Add(time.Minute)
	p.stillRunning(30 * time.Second)
	if got := out.String(); !strings.Contains(got, "building, 1m0s in") {
		t.Fatalf("got %q", got)
	}
}

func TestStillRunningAfterSilence(t *testing.T) {
	var out strings.Builder
	c := &clock{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	p := newPrinter(&out, c.now, "example.com/m")
	if err := p.read(strings.NewReader(`{"Action":"start","Package":"example.com/m/e2e"}
{"Action":"run","Package":"example.com/m/e2e","Test":"TestSlow"}
`)); err != nil {
		t.Fatal(err)
	}
	c.t = c.t.Add(10 * time.Second)
	p.stillRunning(30 * time.Second)
	if out.Len() != 0 {
		t.Fatalf("printed before the quiet time: %q", out.String())
	}
	c.t = c.t.Add(65 * time.Second)
	p.stillRunning(30 * time.Second)
	if got := out.String(); !strings.Contains(got, "running: e2e.TestSlow 1m15s") {
		t.Fatalf("got %q", got)
	}
	// It counts as printing: the next note waits for another quiet period.
	out.Reset()
	c.t = c.t.Add(5 * time.Second)
	p.stillRunning(30 * time.Second)
	if out.Len() != 0 {
		t.Fatalf("printed again too soon: %q", out.String())
	}
}
