package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	"github.com/rampart-id/rampart/gen/rampart/partner/v1/partnerv1connect"
	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/quality/qualitytest"
	"github.com/rampart-id/rampart/wasm/rpc"
)

type backendResult struct {
	Name      string
	Server    string // the database server's SELECT version(), when it has one
	Runs      []stats
	Decisions stats
}

const floorName = "GET kyc-status floor (net/http + pgxpool)"

type server struct {
	url, addr, db string
	token         string
	cmd           *exec.Cmd
	env           []string
}

var masterKey = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{3}, 32))

func runBackend(ctx context.Context, c config, backend string) (backendResult, error) {
	res := backendResult{Name: backend}
	dbURL, cleanup, err := database(ctx, c, backend)
	if err != nil {
		return res, err
	}
	defer cleanup()
	s := &server{db: dbURL, env: append(os.Environ(), "RAMPART_MASTER_KEY="+masterKey)}
	if err := s.start(c); err != nil {
		return res, err
	}
	defer s.stop()
	api := partnerv1connect.NewPartnerServiceClient(http.DefaultClient, s.url)
	conn, err := grpc.NewClient(s.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return res, err
	}
	defer conn.Close()
	g := partnerv1.NewPartnerServiceClient(conn)
	httpc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}

	// A verified user to look up: decided by the real pipeline (test-mode suffix).
	user := "bench-user+verified"
	if err := s.submitCase(ctx, user); err != nil {
		return res, fmt.Errorf("seed user: %w", err)
	}
	if _, err := waitDecided(ctx, s, user); err != nil {
		return res, err
	}
	auth := "Bearer " + s.token

	// send sends one request with the partner's token and wants a 200.
	send := func(ctx context.Context, method, u, body, idemKey string) error {
		req, _ := http.NewRequestWithContext(ctx, method, u, strings.NewReader(body))
		req.Header.Set("Authorization", auth)
		if idemKey != "" {
			req.Header.Set("Idempotency-Key", idemKey)
		}
		r, err := httpc.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
		if r.StatusCode != 200 {
			return fmt.Errorf("HTTP %d", r.StatusCode)
		}
		return nil
	}
	// call is a REST request to the service.
	call := func(ctx context.Context, method, path, body, idemKey string) error {
		return send(ctx, method, s.url+path, body, idemKey)
	}
	// get is the one GET kyc-status request both the service and the floor are sent.
	get := func(ctx context.Context, u string) error { return send(ctx, http.MethodGet, u, "", "") }
	statusPath := "/widget/users/" + url.PathEscape(user) + "/kyc-status"
	rest := func(ctx context.Context, _, _ int) error { return get(ctx, s.url+statusPath) }
	con := func(ctx context.Context, _, _ int) error {
		req := connect.NewRequest(&partnerv1.GetKycStatusRequest{PartnerUserId: user})
		req.Header().Set("Authorization", auth)
		_, err := api.GetKycStatus(ctx, req)
		return err
	}
	grpcCall := func(ctx context.Context, _, _ int) error {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", auth)
		_, err := g.GetKycStatus(ctx, &partnerv1.GetKycStatusRequest{PartnerUserId: user})
		return err
	}
	turns := []turn{{"GET kyc-status REST", rest}, {"GetKycStatus Connect", con}, {"GetKycStatus gRPC", grpcCall}}
	if backend == "postgres" {
		// The floor: a process of its own like the service, same database, same
		// partner token, same user, same HTTP client.
		floorURL, stop, err := floorProcess(ctx, dbURL)
		if err != nil {
			return res, fmt.Errorf("floor service: %w", err)
		}
		defer stop()
		floorPath := floorURL + statusPath
		turns = append(turns, turn{floorName, func(ctx context.Context, _, _ int) error { return get(ctx, floorPath) }})
		if res.Server, err = serverVersion(ctx, dbURL); err != nil {
			return res, err
		}
	}
	for _, t := range turns {
		warm(t.fn)
	}
	res.Runs = append(res.Runs, interleaved(ctx, c.concurrency, c.duration, c.rounds, turns)...)
	res.Runs = append(res.Runs, openLoop(ctx, "GET kyc-status REST @1000 req/s", 1000, c.duration,
		func(ctx context.Context, i int) error { return rest(ctx, 0, i) }))

	body := func(u string) string {
		return `{"partner_user_id":"` + u + `","user_email":"b@example.com","currency":"BTC","fiat_currency":"EUR","fiat_amount":"100.00"}`
	}
	post := func(ctx context.Context, b, key string) error {
		return call(ctx, http.MethodPost, "/widget/session", b, key)
	}
	res.Runs = append(res.Runs,
		closedLoop(ctx, "POST /widget/session (new)", c.concurrency, c.duration, func(ctx context.Context, _, _ int) error { return post(ctx, body(user), "") }),
	)
	if err := post(ctx, body(user), "replay-key"); err != nil {
		return res, err
	}
	res.Runs = append(res.Runs,
		closedLoop(ctx, "POST /widget/session (idempotent replay)", c.concurrency, c.duration, func(ctx context.Context, _, _ int) error {
			return post(ctx, body(user), "replay-key")
		}))
	if c.apiOnly {
		return res, nil
	}

	up, err := s.uploads(ctx)
	if err != nil {
		return res, err
	}
	res.Runs = append(res.Runs, up)
	res.Decisions, err = s.decisions(ctx, 20)
	return res, err
}

func warm(fns ...func(context.Context, int, int) error) {
	for _, f := range fns {
		for i := 0; i < 200; i++ {
			_ = f(context.Background(), 0, i)
		}
	}
}

// serverVersion is the database server's own description of itself.
func serverVersion(ctx context.Context, dbURL string) (string, error) {
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		return "", err
	}
	defer db.Close()
	var v string
	err = db.QueryRowContext(ctx, "SELECT version()").Scan(&v)
	return v, err
}

func database(ctx context.Context, c config, backend string) (string, func(), error) {
	if backend == "sqlite" {
		dir, err := os.MkdirTemp("", "rampart-bench-")
		if err != nil {
			return "", nil, err
		}
		return "sqlite://" + filepath.Join(dir, "bench.db"), func() { os.RemoveAll(dir) }, nil
	}
	admin, err := sql.Open("pgx", c.pgAdmin)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "rampart_bench_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("PostgreSQL at %s: %w", c.pgAdmin, err)
	}
	u, _ := url.Parse(c.pgAdmin)
	u.Path = "/" + name
	return u.String(), func() {
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	}, nil
}

func (s *server) run(args ...string) ([]byte, error) {
	cmd := exec.Command(s.cmd.Path, append(args, "--database", s.db)...)
	cmd.Env = s.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("rampart %v: %v: %s", args, err, stderr.String())
	}
	return out, nil
}

func (s *server) start(c config) error {
	bin, err := filepath.Abs(c.bin)
	if err != nil {
		return err
	}
	s.cmd = &exec.Cmd{Path: bin}
	if _, err := s.run("migrate", "up"); err != nil {
		return err
	}
	out, err := s.run("partner", "create", "--name", "Bench", "--test")
	if err != nil {
		return err
	}
	var p struct {
		ClientToken string `json:"client_token"`
	}
	if err := json.Unmarshal(out, &p); err != nil {
		return err
	}
	s.token = p.ClientToken
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	s.addr = ln.Addr().String()
	ln.Close()
	s.url = "http://" + s.addr
	s.cmd = exec.Command(bin, "serve", "--listen", s.addr, "--database", s.db, "--rate-limit", "1000000", "--workers", strconv.Itoa(c.workers))
	s.cmd.Env = s.env
	logs, _ := os.CreateTemp("", "rampart-bench-*.log")
	s.cmd.Stdout, s.cmd.Stderr = logs, logs
	if err := s.cmd.Start(); err != nil {
		return err
	}
	for i := 0; i < 200; i++ {
		if r, err := http.Get(s.url + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("server did not become ready (log: %s)", logs.Name())
}

func (s *server) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(os.Interrupt)
		_ = s.cmd.Wait()
	}
}

// widget opens a widget session for user (REST kyc_required → StartSession).
func (s *server) widget(ctx context.Context, user string) (rpc.API, error) {
	b := `{"partner_user_id":"` + user + `","user_email":"b@example.com","currency":"BTC","fiat_currency":"EUR","fiat_amount":"1"}`
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/widget/session", strings.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+s.token)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer r.Body.Close()
	var v struct {
		InitToken string `json:"init_token"`
	}
	if err := json.NewDecoder(r.Body).Decode(&v); err != nil || v.InitToken == "" {
		return nil, fmt.Errorf("no init token (HTTP %d)", r.StatusCode)
	}
	api := rpc.New(s.url, rpc.HTTPTransport(http.DefaultClient))
	st, err := api.StartSession(ctx, &widgetv1.StartSessionRequest{InitToken: v.InitToken})
	if err != nil {
		return nil, err
	}
	api.SetToken(st.GetWidgetToken())
	if _, err := api.RecordConsent(ctx, &widgetv1.RecordConsentRequest{Language: "en"}); err != nil {
		return nil, err
	}
	return api, nil
}

func jpegOf(img image.Image, q int) []byte {
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: q})
	return b.Bytes()
}

func (s *server) submitCase(ctx context.Context, user string) error {
	api, err := s.widget(ctx, user)
	if err != nil {
		return err
	}
	pp, err := personFor(0)
	if err != nil {
		return err
	}
	if err := pp.uploadPassport(ctx, api); err != nil {
		return err
	}
	if err := pp.answer(ctx, api); err != nil {
		return err
	}
	_, err = api.SubmitCase(ctx, &widgetv1.SubmitCaseRequest{})
	return err
}

// waitDecided polls the partner API until the user leaves pending.
func waitDecided(ctx context.Context, s *server, user string) (string, error) {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.url+"/widget/users/"+url.PathEscape(user)+"/kyc-status", nil)
		req.Header.Set("Authorization", "Bearer "+s.token)
		r, err := http.DefaultClient.Do(req)
		if err == nil {
			var v struct{ Status string }
			_ = json.NewDecoder(r.Body).Decode(&v)
			r.Body.Close()
			if v.Status == "verified" || v.Status == "failed" {
				return v.Status, nil
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return "", fmt.Errorf("%s was not decided within 60 s", user)
}

// decisions measures submission → decision for up to n users (one per person of the
// demo photos), one at a time.
func (s *server) decisions(ctx context.Context, n int) (stats, error) {
	var lat []time.Duration
	if _, err := personFor(0); err != nil {
		return stats{}, err
	}
	n = min(n, len(people)-1) // person 0 is the seed user
	for i := 0; i < n; i++ {
		user := fmt.Sprintf("decide-%d", i)
		api, err := s.widget(ctx, user)
		if err != nil {
			return stats{}, err
		}
		// One person per user: a person verified twice would go to review as a
		// duplicate, which the partner sees as still pending.
		pp, err := personFor(i + 1)
		if err != nil {
			return stats{}, err
		}
		if err := pp.uploadPassport(ctx, api); err != nil {
			return stats{}, err
		}
		if err := pp.answer(ctx, api); err != nil {
			return stats{}, err
		}
		t0 := time.Now()
		if _, err := api.SubmitCase(ctx, &widgetv1.SubmitCaseRequest{}); err != nil {
			return stats{}, err
		}
		if _, err := waitDecided(ctx, s, user); err != nil {
			// Keep the cases decided so far; the caller reports the error too.
			return summarize("submission → decision", lat, 1, time.Second, err.Error()), err
		}
		lat = append(lat, time.Since(t0))
	}
	return summarize("submission → decision", lat, 0, time.Second, nil), nil
}

// uploads measures 2 MB document uploads (a noisy 2000 px photo, as a phone sends).
func (s *server) uploads(ctx context.Context) (stats, error) {
	img := qualitytest.Document(91, 2000, 1300)
	rng := mrand.New(mrand.NewPCG(1, 2))
	for i := range img.Pix { // sensor noise: makes the JPEG as large as a real photo
		if i%4 != 3 {
			img.Pix[i] = uint8(math.Max(0, math.Min(255, float64(img.Pix[i])+rng.NormFloat64()*18)))
		}
	}
	data := jpegOf(img, 97)
	api, err := s.widget(ctx, "uploader")
	if err != nil {
		return stats{}, err
	}
	var lat []time.Duration
	for i := 0; i < 30; i++ {
		t0 := time.Now()
		if _, err := api.UploadDocument(ctx, &widgetv1.UploadDocumentRequest{DocumentType: widgetv1.DocumentType_DOCUMENT_TYPE_PASSPORT,
			Side: widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT, Image: data}); err != nil {
			return stats{}, err
		}
		lat = append(lat, time.Since(t0))
	}
	return summarize(fmt.Sprintf("UploadDocument %.1f MB JPEG", float64(len(data))/1e6), lat, 0, time.Second, nil), nil
}
