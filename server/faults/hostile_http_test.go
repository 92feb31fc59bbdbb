package faults

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	"github.com/rampart-id/rampart/gen/rampart/widget/v1/widgetv1connect"
	"github.com/rampart-id/rampart/internal/testenv"
)

const hugeBody = 100 << 20

// flood is one oversized request sent over a raw connection: the body is generated as
// it is written (the test never holds 100 MB either) and every byte the server's socket
// accepts is counted.
type flood struct {
	status       int
	header       http.Header
	body         []byte
	atResponse   int64 // body bytes sent when the response arrived
	sent         int64 // body bytes sent in all
	writeErr     error // why the sender stopped: nil if the server took the whole body
	responseErr  error
	senderTimely bool // the sender stopped within the bound after the response
}

// sendFlood POSTs size bytes to path with the given extra header lines. chunked sends no
// Content-Length (the server cannot know the size up front).
func sendFlood(t *testing.T, addr, path string, header map[string]string, size int64, chunked bool) flood {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(40 * time.Second)) // nothing here may hang the test
	var head strings.Builder
	fmt.Fprintf(&head, "POST %s HTTP/1.1\r\nHost: %s\r\n", path, addr)
	for k, v := range header {
		fmt.Fprintf(&head, "%s: %s\r\n", k, v)
	}
	if chunked {
		head.WriteString("Transfer-Encoding: chunked\r\n\r\n")
	} else {
		fmt.Fprintf(&head, "Content-Length: %d\r\n\r\n", size)
	}
	var sent atomic.Int64
	done := make(chan error, 1)
	go func() {
		if _, err := io.WriteString(conn, head.String()); err != nil {
			done <- err
			return
		}
		chunk := bytes.Repeat([]byte("rampart!"), 8<<10) // 64 KiB
		for sent.Load() < size {
			part := chunk[:min(int64(len(chunk)), size-sent.Load())]
			out := part
			if chunked {
				out = append(append([]byte(strconv.FormatInt(int64(len(part)), 16)+"\r\n"), part...), "\r\n"...)
			}
			if _, err := conn.Write(out); err != nil {
				done <- err
				return
			}
			sent.Add(int64(len(part)))
		}
		if chunked {
			_, _ = io.WriteString(conn, "0\r\n\r\n")
		}
		done <- nil
	}()
	var f flood
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	f.atResponse = sent.Load()
	if err != nil {
		f.responseErr = err
	} else {
		f.status, f.header = res.StatusCode, res.Header
		f.body, _ = io.ReadAll(io.LimitReader(res.Body, 64<<10))
		res.Body.Close()
	}
	select {
	case f.writeErr = <-done:
		f.senderTimely = true
	case <-time.After(15 * time.Second):
		_ = conn.Close()
		f.writeErr = <-done
	}
	f.sent = sent.Load()
	return f
}

// peakRSS is the server's peak resident memory (Linux), or 0 when unknown.
func peakRSS(p *proc) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func healthy(t *testing.T, p *proc) {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	res, err := c.Get(p.URL + "/healthz")
	if err != nil {
		t.Fatalf("/healthz after the attack: %v\n%s", err, p.logs.String())
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/healthz after the attack: %d", res.StatusCode)
	}
	select {
	case <-p.done:
		t.Fatalf("the server died:\n%s", p.logs.String())
	default:
	}
}

// TestHostileHTTP attacks a real rampart serve process: 100 MB bodies (REST and
// Connect, with and without a Content-Length), a slowloris header and hundreds of
// connections held open. The server answers early, never reads or holds the whole body,
// drops the slow client, keeps serving everyone else, and stays healthy.
func TestHostileHTTP(t *testing.T) {
	dbURL := testenv.PostgresURL(t)
	cli(t, dbURL, "migrate", "up")
	p := createPartner(t, dbURL)
	addr := freePort(t)
	srv := serve(t, dbURL, addr)
	w := widgetSession(t, srv.URL, p, "hostile")

	t.Run("slowloris", func(t *testing.T) {
		t.Parallel()
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: "+addr+"\r\nX-Slow: "); err != nil {
			t.Fatal(err)
		}
		stop := make(chan struct{})
		defer close(stop)
		go func() { // one more header byte every two seconds, never the end of the header
			for {
				select {
				case <-stop:
					return
				case <-time.After(2 * time.Second):
					if _, err := conn.Write([]byte("a")); err != nil {
						return
					}
				}
			}
		}()
		// ReadHeaderTimeout is 10 s; well past it the connection must be gone.
		_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		got, err := io.ReadAll(conn)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatalf("a header trickling in byte by byte held the connection open for 30 s (read so far: %q)", got)
		}
		if bytes.HasPrefix(got, []byte("HTTP/1.1 200")) {
			t.Fatalf("the server answered an unfinished header: %q", got)
		}
	})

	t.Run("connections held open", func(t *testing.T) {
		t.Parallel()
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for i := range 300 {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatalf("connection %d: %v", i, err)
			}
			held = append(held, c)
			if i%2 == 0 { // half idle, half stuck in the middle of a header
				if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: "+addr+"\r\n"); err != nil {
					t.Fatal(err)
				}
			}
		}
		client := &http.Client{Timeout: 5 * time.Second}
		for range 5 {
			r := call(client, http.MethodGet, srv.URL+"/widget/users/someone/kyc-status", p.ClientToken, "")
			if r.err != nil || r.status != http.StatusOK {
				t.Fatalf("kyc-status with %d connections held open: %v", len(held), r)
			}
			r = call(client, http.MethodPost, srv.URL+"/widget/session", p.ClientToken, sessionBody("busy"))
			if r.err != nil || r.status != http.StatusUnprocessableEntity {
				t.Fatalf("POST /widget/session with %d connections held open: %v", len(held), r)
			}
		}
	})

	t.Run("100 MB bodies", func(t *testing.T) {
		t.Parallel()
		rss := peakRSS(srv)
		rest := map[string]string{"Authorization": "Bearer " + p.ClientToken, "Content-Type": "application/json"}
		connectHdr := map[string]string{"Authorization": "Bearer " + w.token, "Content-Type": "application/proto", "Connect-Protocol-Version": "1"}
		// Over Connect the error is resource_exhausted, which the Connect protocol sends as
		// HTTP 429; the slug payload_too_large rides in Rampart's ErrorDetail when the size
		// is declared up front. A chunked body is cut off by connect-go itself, whose
		// receive errors carry no Rampart detail.
		for _, c := range []struct {
			name, path string
			header     map[string]string
			chunked    bool
			status     int
			slug       func(f flood) string
			want       string
		}{
			{"REST with Content-Length", "/widget/session", rest, false, http.StatusRequestEntityTooLarge, restSlug, "payload_too_large"},
			{"REST chunked", "/widget/session", rest, true, http.StatusRequestEntityTooLarge, restSlug, "payload_too_large"},
			{"Connect with Content-Length", widgetv1connect.WidgetServiceUploadDocumentProcedure, connectHdr, false, http.StatusTooManyRequests, connectSlug, "resource_exhausted/payload_too_large"},
			{"Connect chunked", widgetv1connect.WidgetServiceUploadDocumentProcedure, connectHdr, true, http.StatusTooManyRequests, connectSlug, "resource_exhausted/"},
		} {
			f := sendFlood(t, addr, c.path, c.header, hugeBody, c.chunked)
			t.Logf("%s: %d %s; %d MB sent when answered, %d MB in all", c.name, f.status, c.slug(f), f.atResponse>>20, f.sent>>20)
			switch {
			case f.responseErr != nil:
				t.Errorf("%s: no response: %v", c.name, f.responseErr)
			case f.status != c.status || c.slug(f) != c.want:
				t.Errorf("%s: %d %s, want %d %s: %s", c.name, f.status, c.slug(f), c.status, c.want, f.body)
			case f.atResponse >= hugeBody/2:
				t.Errorf("%s: the server read %d MB of the body before answering", c.name, f.atResponse>>20)
			case f.writeErr == nil || f.sent >= hugeBody:
				t.Errorf("%s: the server kept reading after it answered: it took all %d MB", c.name, f.sent>>20)
			case !f.senderTimely:
				t.Errorf("%s: the server neither read nor closed the connection after answering", c.name)
			}
			healthy(t, srv)
		}
		t.Logf("server peak RSS: %d MB before, %d MB after", rss>>20, peakRSS(srv)>>20)
	})
}

func restSlug(f flood) string {
	var v struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(f.body, &v)
	return v.Error
}

// connectSlug is "<Connect code>/<Rampart slug from the ErrorDetail>" of a Connect error
// body.
func connectSlug(f flood) string {
	var v struct {
		Code    string `json:"code"`
		Details []struct {
			Type  string `json:"type"`
			Value string `json:"value"`
		} `json:"details"`
	}
	if json.Unmarshal(f.body, &v) != nil {
		return "(not a Connect error)"
	}
	for _, d := range v.Details {
		b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(d.Value, "="))
		var detail kycv1.ErrorDetail
		if d.Type == "rampart.kyc.v1.ErrorDetail" && err == nil && proto.Unmarshal(b, &detail) == nil {
			return v.Code + "/" + detail.GetError()
		}
	}
	return v.Code + "/"
}
