// Package faults kills and restarts real rampart processes on a real PostgreSQL and
// checks that nothing is lost, duplicated or stuck.
package faults

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	binPath  string
	buildErr error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rampart-bin-")
	if err != nil {
		panic(err)
	}
	binPath = filepath.Join(dir, "rampart")
	out, err := exec.Command("go", "build", "-o", binPath, "../cmd/rampart").CombinedOutput()
	if err != nil {
		buildErr = fmt.Errorf("%v\n%s", err, out)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// masterKey is a fixed test key, base64.
var masterKey = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32))

// syncBuf collects a process's output.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

type proc struct {
	cmd  *exec.Cmd
	URL  string
	logs *syncBuf
	done chan struct{}
}

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serve starts `rampart serve` on dbURL at addr and waits until it is ready. extra holds
// more flags ("--x=y") and environment variables ("NAME=value").
func serve(t *testing.T, dbURL, addr string, extra ...string) *proc {
	t.Helper()
	if buildErr != nil {
		t.Fatalf("build rampart: %v", buildErr)
	}
	args := []string{"serve", "--listen", addr, "--database", dbURL, "--workers", "1", "--worker-lease", "2s"}
	env := append(os.Environ(), "RAMPART_MASTER_KEY="+masterKey)
	for _, e := range extra {
		if strings.HasPrefix(e, "--") {
			args = append(args, e)
		} else {
			env = append(env, e)
		}
	}
	cmd := exec.Command(binPath, args...)
	cmd.Env = env
	p := &proc{cmd: cmd, URL: "http://" + addr, logs: &syncBuf{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.kill() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get(p.URL + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return p
			}
		}
		select {
		case <-p.done:
			t.Fatalf("rampart exited early:\n%s", p.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("rampart not ready:\n%s", p.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill sends SIGKILL: no shutdown code runs, as in a crash or an OOM kill.
func (p *proc) kill() {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
	}
	<-p.done
}

// cli runs a rampart subcommand against dbURL and returns its stdout.
func cli(t *testing.T, dbURL string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(binPath, append(args, "--database", dbURL)...)
	cmd.Env = append(os.Environ(), "RAMPART_MASTER_KEY="+masterKey)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("rampart %v: %v\n%s", args, err, stderr.String())
	}
	return out
}

type created struct {
	PartnerID     string `json:"partner_id"`
	WidgetID      string `json:"widget_id"`
	ClientToken   string `json:"client_token"`
	WebhookSecret string `json:"webhook_secret"`
}

func createPartner(t *testing.T, dbURL string, args ...string) created {
	t.Helper()
	var c created
	if err := json.Unmarshal(cli(t, dbURL, append([]string{"partner", "create", "--name", "Faulty", "--test"}, args...)...), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	if !poll(d, cond) {
		t.Fatalf("timed out waiting for %s", what)
	}
}

// poll reports whether cond became true within d.
func poll(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}
