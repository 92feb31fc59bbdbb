// Command testprogress runs `go test -json` with the given arguments and prints
// progress as it goes: every finished top-level test with its time, each package's
// summary, and, when nothing finished for a while, which tests are still running.
// A failing test's output is printed in full; passing output is dropped. It exits
// with go test's status, so a failure still fails the caller.
//
//	go run ./internal/testprogress -count=1 ./server/...
package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	cmd := exec.Command("go", append([]string{"test", "-json"}, os.Args[1:]...)...)
	cmd.Stdin = os.Stdin
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fatal(err)
	}
	if err := cmd.Start(); err != nil {
		fatal(err)
	}
	// go test gets the terminal's interrupt itself; ignoring it here lets the
	// failures it reports on the way out still be printed.
	signal.Ignore(os.Interrupt, syscall.SIGTERM)

	p := newPrinter(os.Stdout, time.Now, modulePath())
	stop := make(chan struct{})
	go heartbeat(p, stop, 30*time.Second)
	readErr := p.read(out)
	close(stop)
	waitErr := cmd.Wait()
	p.summary()
	switch {
	case waitErr != nil:
		if ee, ok := waitErr.(*exec.ExitError); ok && ee.ExitCode() > 0 {
			os.Exit(ee.ExitCode())
		}
		fatal(waitErr)
	case readErr != nil:
		fatal(readErr)
	case p.failed():
		// go test always exits non-zero on a failure; this is only a safeguard.
		os.Exit(1)
	}
}

// heartbeat says which tests are still running when nothing was printed for quiet.
func heartbeat(p *printer, stop <-chan struct{}, quiet time.Duration) {
	t := time.NewTicker(quiet / 3)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			p.stillRunning(quiet)
		}
	}
}

// modulePath is trimmed from package names to keep lines short.
func modulePath() string {
	b, err := exec.Command("go", "list", "-m").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "testprogress:", err)
	os.Exit(2)
}
