package faults

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	"github.com/rampart-id/rampart/gen/rampart/widget/v1/widgetv1connect"
)

// Raw wire helpers for the attack-surface tests: what a hostile client sends, byte for
// byte, without the widget's client smoothing anything over.

// connectOutcome is how the server answered one Connect unary call.
type connectOutcome struct {
	status     int
	code       string // Connect error code; "" on success
	slug       string // Rampart error slug from the ErrorDetail, when present
	retryAfter bool   // a Retry-After header or retry_after_seconds in the detail
	elapsed    time.Duration
	err        error // no answer at all
}

func (o connectOutcome) String() string {
	if o.err != nil {
		return fmt.Sprintf("no answer after %v: %v", o.elapsed.Round(time.Millisecond), o.err)
	}
	return fmt.Sprintf("%d %s/%s", o.status, o.code, o.slug)
}

// key groups outcomes for a log line: "429 resource_exhausted".
func (o connectOutcome) key() string {
	if o.err != nil {
		return "no answer"
	}
	return strings.TrimSpace(fmt.Sprintf("%d %s", o.status, o.code))
}

// connectCall posts a binary protobuf body to a Connect unary procedure. extra holds
// more header lines (e.g. Content-Encoding).
func connectCall(ctx context.Context, client *http.Client, base, procedure, token string, body []byte, extra map[string]string) connectOutcome {
	start := time.Now()
	req := connectRequest(ctx, base, procedure, token, bytes.NewReader(body), int64(len(body)))
	for k, v := range extra {
		req.Header.Set(k, v)
	}
	res, err := client.Do(req)
	if err != nil {
		return connectOutcome{err: err, elapsed: time.Since(start)}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	o := connectOutcome{status: res.StatusCode, elapsed: time.Since(start), retryAfter: res.Header.Get("Retry-After") != ""}
	if res.StatusCode != http.StatusOK {
		var detail *kycv1.ErrorDetail
		o.code, detail = connectError(b)
		o.slug = detail.GetError()
		o.retryAfter = o.retryAfter || detail.GetRetryAfterSeconds() > 0
	}
	return o
}

// connectError parses a Connect error body (unary body or end-of-stream "error" member)
// into its code and Rampart's ErrorDetail, if any.
func connectError(b []byte) (string, *kycv1.ErrorDetail) {
	var v struct {
		Code    string `json:"code"`
		Details []struct {
			Type  string `json:"type"`
			Value string `json:"value"`
		} `json:"details"`
	}
	if json.Unmarshal(b, &v) != nil {
		return "(not a Connect error)", nil
	}
	for _, d := range v.Details {
		raw, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(d.Value, "="))
		var detail kycv1.ErrorDetail
		if d.Type == "rampart.kyc.v1.ErrorDetail" && err == nil && proto.Unmarshal(raw, &detail) == nil {
			return v.Code, &detail
		}
	}
	return v.Code, nil
}

// gzipBomb is a gzip body of a few kB that inflates to a StartSessionRequest of about
// size bytes (one enormous init_token); it is built without holding the inflated form.
func gzipBomb(t *testing.T, size int) []byte {
	t.Helper()
	n := size - 8 // tag and length prefix
	msg := protowire.AppendTag(nil, 1, protowire.BytesType)
	msg = protowire.AppendVarint(msg, uint64(n))
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	_, _ = zw.Write(msg)
	chunk := bytes.Repeat([]byte("A"), 64<<10)
	for left := n; left > 0; left -= len(chunk) {
		_, _ = zw.Write(chunk[:min(left, len(chunk))])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return z.Bytes()
}

// heldOutcome is the server's answer to a body whose last byte never came.
type heldOutcome struct {
	status  int
	code    string
	sent    int64 // body bytes written when the answer came (or the wait ended)
	elapsed time.Duration
	err     error
}

// heldUpload declares a size-byte body for an image procedure (UploadDocument or
// SubmitLiveness), writes all of it but the last byte and keeps the connection open,
// waiting up to wait for an answer. A server that authenticates first answers at once;
// one that buffers the body first never does.
func heldUpload(addr, procedure, token string, size int, wait time.Duration) heldOutcome {
	start := time.Now()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return heldOutcome{err: err}
	}
	defer conn.Close()
	_ = conn.SetDeadline(start.Add(wait))
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/proto\r\nConnect-Protocol-Version: 1\r\n"+
		"Authorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", procedure, addr, token, size)
	field := protowire.Number(3) // UploadDocumentRequest.image
	if procedure == widgetv1connect.WidgetServiceSubmitLivenessProcedure {
		field = 3 // SubmitLivenessRequest.frames
	}
	msg := protowire.AppendTag(nil, field, protowire.BytesType)
	msg = protowire.AppendVarint(msg, uint64(size-len(msg)-4))
	sent := make(chan int64, 1)
	go func() {
		var n int64
		defer func() { sent <- n }()
		if _, err := io.WriteString(conn, head); err != nil {
			return
		}
		k, err := conn.Write(msg)
		n += int64(k)
		chunk := make([]byte, 64<<10)
		for err == nil && n < int64(size-1) {
			k, err = conn.Write(chunk[:min(int64(len(chunk)), int64(size-1)-n)])
			n += int64(k)
		}
	}()
	var o heldOutcome
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	o.elapsed = time.Since(start)
	if err != nil {
		o.err = err
	} else {
		o.status = res.StatusCode
		b, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
		o.code, _ = connectError(b)
	}
	_ = conn.Close() // stops the writer if it is still going
	o.sent = <-sent
	return o
}

// watch is one WatchStatus server stream over the Connect streaming protocol.
type watch struct {
	accepted bool   // the first frame carried a state
	status   int    // HTTP status
	code     string // Connect code of a refusal
	err      error  // no first frame in time
	elapsed  time.Duration
	close    func()
}

// openWatch opens a WatchStatus stream and reads its first frame (within 10 s: the
// bystander, not this, measures latency). An accepted stream stays open, its body
// unread, until close.
func openWatch(client *http.Client, base, token string) watch {
	start := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	w := watch{close: cancel}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+widgetv1connect.WidgetServiceWatchStatusProcedure,
		bytes.NewReader([]byte{0, 0, 0, 0, 0})) // one empty message, uncompressed
	req.Header.Set("Content-Type", "application/connect+proto")
	req.Header.Set("Connect-Protocol-Version", "1")
	req.Header.Set("Authorization", "Bearer "+token)
	timer := time.AfterFunc(10*time.Second, cancel)
	defer timer.Stop()
	res, err := client.Do(req)
	if err != nil {
		w.err, w.elapsed = err, time.Since(start)
		return w
	}
	w.close = func() { cancel(); res.Body.Close() }
	w.status = res.StatusCode
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
		w.code, _ = connectError(b)
		w.elapsed = time.Since(start)
		return w
	}
	var hdr [5]byte
	if _, err := io.ReadFull(res.Body, hdr[:]); err != nil {
		w.err, w.elapsed = err, time.Since(start)
		return w
	}
	payload := make([]byte, min(binary.BigEndian.Uint32(hdr[1:]), 64<<10))
	if _, err := io.ReadFull(res.Body, payload); err != nil {
		w.err, w.elapsed = err, time.Since(start)
		return w
	}
	w.elapsed = time.Since(start)
	if hdr[0]&0x02 != 0 { // end of stream: an error before any state
		var end struct {
			Error json.RawMessage `json:"error"`
		}
		_ = json.Unmarshal(payload, &end)
		w.code, _ = connectError(end.Error)
		return w
	}
	w.accepted = true
	return w
}

func (o heldOutcome) String() string {
	return fmt.Sprintf("%s after %v with %d MB written", o.key(), o.elapsed.Round(time.Millisecond), o.sent>>20)
}

func (o heldOutcome) key() string {
	if o.err != nil {
		return "no answer"
	}
	return strings.TrimSpace(fmt.Sprintf("%d %s", o.status, o.code))
}

func (w watch) String() string { return w.key() }

func (w watch) key() string {
	switch {
	case w.err != nil:
		return "no first frame"
	case w.accepted:
		return "accepted"
	}
	return strings.TrimSpace(fmt.Sprintf("%d %s", w.status, w.code))
}
