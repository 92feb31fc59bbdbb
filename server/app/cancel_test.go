package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rampart-id/rampart/gen/rampart/widget/v1/widgetv1connect"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/server/app"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/store"
)

// TestClientCancelIsNotAServerError: an upload waiting for the process's only upload
// place is abandoned by its client. That is recorded as 499 and logged without an
// error; the same upload left waiting is answered 503 with Retry-After, so the test
// tells the two apart.
func TestClientCancelIsNotAServerError(t *testing.T) {
	srv := testserver.Start(t, testenv.SQLiteURL(t), testserver.Options{Limits: app.Limits{Uploads: 1}})
	p := srv.NewPartner(t, "Acme", "https://acme.example")
	token := func(user string) string { return srv.WidgetToken(t, p, user) }
	// Hold the only upload place: a body that never finishes.
	held, release := heldUpload(t, srv.URL, token("holder"))
	defer release()
	<-held

	h2c := loopbackClient(t, "", true)
	upload := func(ctx context.Context, id string) (*http.Response, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+widgetv1connect.WidgetServiceUploadDocumentProcedure, bytes.NewReader([]byte{}))
		req.Header.Set("Content-Type", "application/proto")
		req.Header.Set("Authorization", "Bearer "+token(id))
		req.Header.Set("X-Request-Id", id)
		return h2c.Do(req)
	}
	// The holder's first bytes may sit in socket buffers before the server gives it
	// the place: wait until an upload is turned away busy, so the place is taken.
	for i := 0; ; i++ {
		res, err := upload(context.Background(), fmt.Sprintf("probe-%d", i))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode == http.StatusServiceUnavailable {
			break
		}
		if i == 20 {
			t.Fatalf("the holder never took the upload place (last probe %d)", res.StatusCode)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := upload(ctx, "cancelled-upload"); err == nil {
		t.Fatal("the upload was answered while the only place was taken")
	}
	res, err := upload(context.Background(), "waited-upload")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Errorf("upload left waiting: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	line := func(id string) string {
		for _, l := range strings.Split(srv.Logs.String(), "\n") {
			if strings.Contains(l, `"msg":"http"`) && strings.Contains(l, `"request_id":"`+id+`"`) {
				return l
			}
		}
		return ""
	}
	waitUntil(t, "the cancelled upload's access log", func() bool { return line("cancelled-upload") != "" })
	if l := line("cancelled-upload"); !strings.Contains(l, `"status":499`) {
		t.Errorf("cancelled upload logged as %s", l)
	}
	if l := line("waited-upload"); !strings.Contains(l, `"status":503`) {
		t.Errorf("waited upload logged as %s", l)
	}
	for _, l := range strings.Split(srv.Logs.String(), "\n") {
		if strings.Contains(l, "cancelled-upload") && strings.Contains(l, `"level":"ERROR"`) {
			t.Errorf("a cancelled request is logged as an error: %s", l)
		}
	}
}

// heldUpload starts an upload whose body never finishes; held is closed once the server
// has admitted it (it is reading the body), release ends it.
func heldUpload(t *testing.T, base, token string) (held <-chan struct{}, release func()) {
	t.Helper()
	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, base+widgetv1connect.WidgetServiceUploadDocumentProcedure, pr)
	req.Header.Set("Content-Type", "application/proto")
	req.Header.Set("Authorization", "Bearer "+token)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
		}
	}()
	ch := make(chan struct{})
	go func() {
		// The server reads the first bytes only once the upload holds its place.
		_, _ = pw.Write(bytes.Repeat([]byte{0}, 64<<10))
		close(ch)
	}()
	return ch, func() { _ = pw.CloseWithError(io.ErrUnexpectedEOF); <-done }
}

// TestUntaggedClientTokenIsNotThrottledWhileValid: a client token issued before tokens
// carried a tag (or under a master key since dropped) still works, and a busy backend
// using it from one address is not throttled as if it were guessing: once found valid,
// it skips the failed-authentication budget.
func TestUntaggedClientTokenIsNotThrottledWhileValid(t *testing.T) {
	srv := testserver.Start(t, testenv.SQLiteURL(t))
	p := srv.NewPartner(t, "Acme", "https://acme.example")
	legacy, hash := auth.New(auth.PrefixTest)
	ctx := context.Background()
	if err := srv.Store.InTx(ctx, func(tx *store.Tx) error {
		return tx.AddClientToken(ctx, p.PartnerID, store.ClientToken{Hash: hash, DisplayPrefix: auth.DisplayPrefix(legacy)})
	}); err != nil {
		t.Fatal(err)
	}
	if srv.App.Auth.Tokens.Issued(legacy, auth.PrefixTest) {
		t.Fatal("the legacy token carries a valid tag")
	}
	rc := &restClient{base: srv.URL}
	for i := 0; i < 60; i++ { // the address budget is 20 at once, then 1/s
		if r := rc.status(t, call{token: legacy}, "user-1"); r.code != "" {
			t.Fatalf("request %d with a valid untagged token: %s", i, r.code)
		}
	}
}
