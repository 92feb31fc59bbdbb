package faults

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/wasm/rpc"
)

// privatePG is a PostgreSQL instance of one test: its own data directory, port and
// socket directory, so stopping it disturbs no other test.
type privatePG struct {
	bin, data, run string
	port           string
	cred           *syscall.Credential // the postgres OS user when the tests run as root
}

// findPGBin finds the directory of initdb and pg_ctl: the PATH, else the newest Debian
// /usr/lib/postgresql/<version>/bin.
func findPGBin() string {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := os.Stat(filepath.Join(filepath.Dir(p), "initdb")); err == nil {
			return filepath.Dir(p)
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi < vj
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		_, e1 := os.Stat(filepath.Join(dirs[i], "initdb"))
		_, e2 := os.Stat(filepath.Join(dirs[i], "pg_ctl"))
		if e1 == nil && e2 == nil {
			return dirs[i]
		}
	}
	return ""
}

// startPrivatePostgres runs initdb and pg_ctl start in t.TempDir(); the instance is
// stopped when the test ends. initdb refuses to run as root, so as root both run as the
// postgres OS user.
func startPrivatePostgres(t *testing.T) *privatePG {
	t.Helper()
	if testing.Short() {
		t.Skip("PostgreSQL test skipped in -short mode")
	}
	if buildErr != nil {
		t.Fatalf("build rampart: %v", buildErr)
	}
	bin := findPGBin()
	if bin == "" {
		testenv.Skip(t, "no initdb/pg_ctl for a private PostgreSQL instance (apt-get install postgresql)")
	}
	base := t.TempDir()
	pg := &privatePG{bin: bin, data: filepath.Join(base, "data"), run: filepath.Join(base, "run")}
	_, port, _ := net.SplitHostPort(freePort(t))
	pg.port = port
	for _, d := range []string{pg.data, pg.run} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			testenv.Skip(t, "running as root and there is no postgres OS user for initdb: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		pg.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		// The postgres user must reach the directories below the (root-only) temp dir.
		for _, d := range []string{filepath.Dir(base), base} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for _, d := range []string{pg.data, pg.run} {
			if err := os.Chown(d, uid, gid); err != nil {
				t.Fatal(err)
			}
		}
	}
	if out, err := pg.cmd("initdb", "-D", pg.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	pg.start(t)
	t.Cleanup(func() {
		if out, err := pg.cmd("pg_ctl", "-D", pg.data, "-m", "immediate", "-w", "-t", "30", "stop"); err != nil &&
			!strings.Contains(string(out), "not running") && !strings.Contains(string(out), "No such process") {
			t.Logf("stopping the private PostgreSQL: %v\n%s", err, out)
		}
	})
	return pg
}

func (pg *privatePG) cmd(name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, filepath.Join(pg.bin, name), args...)
	c.Dir = pg.run
	c.Env = []string{"PATH=" + os.Getenv("PATH"), "LC_ALL=C", "HOME=" + pg.run}
	if pg.cred != nil {
		c.SysProcAttr = &syscall.SysProcAttr{Credential: pg.cred}
	}
	return c.CombinedOutput()
}

func (pg *privatePG) start(t *testing.T) {
	t.Helper()
	opts := fmt.Sprintf("-p %s -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off", pg.port, pg.run)
	if out, err := pg.cmd("pg_ctl", "-D", pg.data, "-l", filepath.Join(pg.run, "postgres.log"), "-w", "-t", "30", "-o", opts, "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(pg.run, "postgres.log"))
		t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
}

func (pg *privatePG) stop(t *testing.T) {
	t.Helper()
	if out, err := pg.cmd("pg_ctl", "-D", pg.data, "-m", "fast", "-w", "-t", "30", "stop"); err != nil {
		t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

func (pg *privatePG) url(db string) string {
	return "postgres://postgres@127.0.0.1:" + pg.port + "/" + db + "?sslmode=disable"
}

// result is one request of the load.
type result struct {
	start, end time.Time
	status     int
	slug       string
	err        error
}

// call makes one REST request with a 5 s client timeout (a hang is a failure).
func call(client *http.Client, method, url, token, body string) result {
	r := result{start: time.Now()}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, url, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		r.err, r.end = err, time.Now()
		return r
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	r.status, r.end, r.err = res.StatusCode, time.Now(), err
	var v struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(b, &v) == nil {
		r.slug = v.Error
	}
	return r
}

func (r result) String() string {
	if r.err != nil {
		return fmt.Sprintf("error after %v: %v", r.end.Sub(r.start).Round(time.Millisecond), r.err)
	}
	return fmt.Sprintf("%d %s", r.status, r.slug)
}

func sessionBody(user string) string {
	return `{"partner_user_id":"` + user + `","user_email":"u@example.com","currency":"BTC","fiat_currency":"EUR","fiat_amount":"25"}`
}

// TestPostgresRestartUnderLoad: a private PostgreSQL is stopped while GET kyc-status runs
// from a few goroutines. Every request is answered within its 5 s client timeout: 200
// while the database is up, 503 "unavailable" while it is down (REST, Connect and
// /readyz alike). When PostgreSQL comes back the same server process recovers on its own,
// and the sessions created before the outage are all still there.
func TestPostgresRestartUnderLoad(t *testing.T) {
	pg := startPrivatePostgres(t)
	admin := openDB(t, pg.url("postgres"))
	if _, err := admin.Exec(`CREATE DATABASE rampart`); err != nil {
		t.Fatal(err)
	}
	_ = admin.Close()
	dbURL := pg.url("rampart")
	cli(t, dbURL, "migrate", "up")
	p := createPartner(t, dbURL)
	srv := serve(t, dbURL, freePort(t))
	client := &http.Client{Timeout: 5 * time.Second}

	const before = 8
	for i := range before {
		if r := call(client, http.MethodPost, srv.URL+"/widget/session", p.ClientToken, sessionBody(fmt.Sprintf("early-%d", i))); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("session before the outage: %v", r)
		}
	}
	w := widgetSession(t, srv.URL, p, "widget-user") // a widget session from before the outage
	sessions := func() (n int) {
		db := openDB(t, dbURL)
		defer db.Close()
		if err := db.QueryRow(`SELECT COUNT(*) FROM sessions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := sessions(); n != before+1 {
		t.Fatalf("%d sessions before the outage, want %d", n, before+1)
	}

	// A bounded load: three goroutines, each at most ~40 requests a second (well under the
	// per-token rate limit), each request bounded by the client timeout.
	var mu sync.Mutex
	var results []result
	count := func(since time.Time) (n int) {
		mu.Lock()
		defer mu.Unlock()
		for _, r := range results {
			if r.start.After(since) {
				n++
			}
		}
		return n
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			url := fmt.Sprintf("%s/widget/users/load-%d/kyc-status", srv.URL, g)
			for {
				select {
				case <-stop:
					return
				case <-time.After(25 * time.Millisecond):
				}
				r := call(client, http.MethodGet, url, p.ClientToken, "")
				mu.Lock()
				results = append(results, r)
				mu.Unlock()
			}
		}()
	}
	stopLoad := sync.OnceFunc(func() { close(stop); wg.Wait() })
	defer stopLoad()
	t0 := time.Now()
	waitFor(t, "load before the outage", 10*time.Second, func() bool { return count(t0) >= 20 })

	pg.stop(t)
	down := time.Now()
	for _, r := range []struct {
		name string
		res  result
	}{
		{"GET kyc-status", call(client, http.MethodGet, srv.URL+"/widget/users/someone/kyc-status", p.ClientToken, "")},
		{"POST /widget/session", call(client, http.MethodPost, srv.URL+"/widget/session", p.ClientToken, sessionBody("during"))},
		{"GET /readyz", call(client, http.MethodGet, srv.URL+"/readyz", "", "")},
	} {
		if r.res.err != nil || r.res.status != http.StatusServiceUnavailable || r.res.slug != "unavailable" {
			t.Errorf("%s with the database down: %v; want 503 unavailable", r.name, r.res)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	_, err := w.api.GetStatus(ctx, &widgetv1.GetStatusRequest{})
	cancel()
	var re *rpc.Error
	if !errors.As(err, &re) || re.Code != "unavailable" || re.Slug != "unavailable" {
		t.Errorf("Connect GetStatus with the database down: %v; want code and slug unavailable", err)
	}
	if res, err := client.Get(srv.URL + "/healthz"); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("/healthz with the database down: %v; the process itself is up", err)
	} else {
		res.Body.Close()
	}
	waitFor(t, "load during the outage", 10*time.Second, func() bool { return count(down) >= 20 })

	restarted := time.Now()
	pg.start(t)
	var last result
	waitFor(t, "the server to recover by itself after PostgreSQL came back", 30*time.Second, func() bool {
		last = call(client, http.MethodGet, srv.URL+"/widget/users/someone/kyc-status", p.ClientToken, "")
		return last.status == http.StatusOK
	})
	up := time.Now()
	waitFor(t, "load after the recovery", 10*time.Second, func() bool { return count(up) >= 20 })
	stopLoad()

	var ok, unavailable int
	for _, r := range results {
		switch {
		case r.err != nil:
			t.Errorf("a request failed instead of being answered (a hang or a dropped connection): %v", r)
		case r.status == http.StatusOK:
			ok++
			if r.start.After(down) && r.end.Before(restarted) {
				t.Errorf("200 while PostgreSQL was stopped")
			}
		case r.status == http.StatusServiceUnavailable && r.slug == "unavailable":
			unavailable++
			if r.start.After(up) {
				t.Errorf("503 after the server had recovered")
			}
		default:
			t.Errorf("a request got %v; want 200 or 503 unavailable", r)
		}
	}
	t.Logf("load: %d requests, %d ok, %d unavailable", len(results), ok, unavailable)

	if r := call(client, http.MethodGet, srv.URL+"/readyz", "", ""); r.status != http.StatusOK {
		t.Errorf("/readyz after the recovery: %v", r)
	}
	st, err := w.api.GetStatus(context.Background(), &widgetv1.GetStatusRequest{})
	if err != nil || st.GetState().GetStatus() != kycv1.KycStatus_KYC_STATUS_NOT_STARTED {
		t.Errorf("the widget session from before the outage after the recovery: %v %v", st, err)
	}
	if n := sessions(); n != before+1 {
		t.Errorf("%d sessions after the outage, want the %d created before it", n, before+1)
	}
	if r := call(client, http.MethodPost, srv.URL+"/widget/session", p.ClientToken, sessionBody("after")); r.status != http.StatusUnprocessableEntity || r.slug != "kyc_required" {
		t.Errorf("a new session after the recovery: %v", r)
	}
	if n := sessions(); n != before+2 {
		t.Errorf("%d sessions after a new one, want %d", n, before+2)
	}
	if t.Failed() {
		t.Logf("server log:\n%s", srv.logs.String())
	}
}
