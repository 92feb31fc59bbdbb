package faults

import (
	"context"
	"testing"
	"time"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/wasm/rpc"
)

// openWidget asks the server for a KYC token over REST and starts the widget session.
func openWidget(t *testing.T, base string, p created, user string) rpc.API {
	t.Helper()
	return widgetSession(t, base, p, user).api
}

func submit(t *testing.T, api rpc.API) {
	t.Helper()
	ctx := context.Background()
	if _, err := api.UploadDocument(ctx, &widgetv1.UploadDocumentRequest{DocumentType: widgetv1.DocumentType_DOCUMENT_TYPE_PASSPORT,
		Side: widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT, Image: passportOf(t, 42, 90)}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.SubmitLiveness(ctx, testserver.Selfie(t, api, testserver.Capture{Seed: 42})); err != nil {
		t.Fatal(err)
	}
	if _, err := api.SubmitCase(ctx, &widgetv1.SubmitCaseRequest{}); err != nil {
		t.Fatal(err)
	}
}

// TestWorkerKilledMidJobDecidesOnce: SIGKILL the server while its worker holds a job;
// after a restart the job is taken over (lease expired) and the case is decided exactly
// once.
func TestWorkerKilledMidJobDecidesOnce(t *testing.T) {
	dbURL := testenv.PostgresURL(t)
	cli(t, dbURL, "migrate", "up")
	p := createPartner(t, dbURL)
	db := openDB(t, dbURL)

	addr := freePort(t)
	first := serve(t, dbURL, addr, "RAMPART_TEST_WORKER_HOLD=1h")
	submit(t, openWidget(t, first.URL, p, "victim"))
	jobState := func() (state string, attempts int) {
		_ = db.QueryRow(`SELECT state, attempts FROM verification_jobs`).Scan(&state, &attempts)
		return
	}
	waitFor(t, "the worker to claim the job", 20*time.Second, func() bool { s, _ := jobState(); return s == "running" })
	first.kill()
	var status string
	_ = db.QueryRow(`SELECT status FROM kyc_profiles WHERE partner_user_id = 'victim'`).Scan(&status)
	if status != "pending" {
		t.Fatalf("status after the kill: %q, want pending", status)
	}

	second := serve(t, dbURL, addr)
	waitFor(t, "the case to be decided after restart", 30*time.Second, func() bool {
		_ = db.QueryRow(`SELECT status FROM kyc_profiles WHERE partner_user_id = 'victim'`).Scan(&status)
		return status != "pending"
	})
	if status != "verified" {
		t.Fatalf("decided %q, want verified\n%s", status, second.logs.String())
	}
	var decisions int
	_ = db.QueryRow(`SELECT COUNT(*) FROM status_history WHERE partner_user_id = 'victim' AND from_status = 'pending'`).Scan(&decisions)
	state, attempts := jobState()
	if decisions != 1 || state != "done" || attempts != 2 {
		t.Fatalf("decisions %d, job %s after %d attempts; want 1, done, 2", decisions, state, attempts)
	}
}
