package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rampart-id/rampart/face/facetest"
	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/verify"
	"github.com/rampart-id/rampart/wasm/rpc"
)

// TestPoisonCaseCannotStallVerification: a case whose images take longer to check than
// the job's time budget (sent the honest way, through the widget: documents and frames
// at the largest size intake admits) uses up its bounded attempts and lands in manual
// review with verification_error, while a normal case submitted after it is decided by
// the server's only worker meanwhile.
func TestPoisonCaseCannotStallVerification(t *testing.T) {
	dbURL := testenv.PostgresURL(t)
	cli(t, dbURL, "migrate", "up")
	p := createPartner(t, dbURL)
	db := openDB(t, dbURL)
	srv := serve(t, dbURL, freePort(t), "--workers=1", "--worker-lease=1s", "--job-budget=2s")

	submitHeavy(t, openWidget(t, srv.URL, p, "poison"))
	type job struct {
		state, lastError string
		attempts         int
	}
	poisonJob := func() (j job) {
		_ = db.QueryRow(`SELECT j.state, j.attempts, j.last_error FROM verification_jobs j JOIN kyc_cases c ON c.id = j.case_id
			WHERE c.partner_user_id = 'poison'`).Scan(&j.state, &j.attempts, &j.lastError)
		return
	}
	waitFor(t, "the worker to take the poison case", 30*time.Second, func() bool { return poisonJob().attempts >= 1 })

	submitLight(t, openWidget(t, srv.URL, p, "normal"))
	waitFor(t, "the normal case to be decided", 60*time.Second, func() bool { return profileStatus(t, db, "normal") != "pending" })
	if j := poisonJob(); j.state == "done" || j.state == "abandoned" || profileStatus(t, db, "poison") != "pending" {
		t.Fatalf("the poison case was settled before the normal one was decided: %+v\n%s", j, srv.logs.String())
	}

	var needs bool
	var reasons string
	if !poll(90*time.Second, func() bool {
		_ = db.QueryRow(`SELECT needs_review, review_reasons FROM kyc_cases WHERE partner_user_id = 'poison'`).Scan(&needs, &reasons)
		return needs
	}) {
		t.Fatalf("timed out waiting for the poison case to reach review; job %+v\n%s", poisonJob(), srv.logs.String())
	}
	var got []string
	_ = json.Unmarshal([]byte(reasons), &got)
	j := poisonJob()
	if !slices.Equal(got, []string{kyc.ReasonVerificationError}) || j.state != "abandoned" || j.attempts != verify.MaxJobAttempts ||
		!strings.Contains(j.lastError, "time budget exceeded") {
		t.Fatalf("poison case: review reasons %v, job %+v; want [%s], abandoned after %d attempts over budget\n%s",
			got, j, kyc.ReasonVerificationError, verify.MaxJobAttempts, srv.logs.String())
	}
	if s := profileStatus(t, db, "poison"); s != "pending" {
		t.Fatalf("poison profile %q, want pending (awaiting a reviewer)", s)
	}
}

// submitLight sends a small case the checks decide (failed: no face anywhere) in about
// a second, well within the 2 s budget whatever the machine's load, where the heavy
// case needs several.
func submitLight(t *testing.T, api rpc.API) {
	t.Helper()
	ctx := context.Background()
	if _, err := api.UploadDocument(ctx, &widgetv1.UploadDocumentRequest{DocumentType: widgetv1.DocumentType_DOCUMENT_TYPE_PASSPORT,
		Side: widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT, Image: testserver.JPEG(t, facetest.Noise(1, 640, 400))}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.SubmitLiveness(ctx, testserver.Selfie(t, api, testserver.Capture{Selfie: testserver.Pictures(
		facetest.Noise(2, 160, 120), facetest.Noise(3, 160, 120), facetest.Noise(4, 160, 120))})); err != nil {
		t.Fatal(err)
	}
	if _, err := api.SubmitCase(ctx, &widgetv1.SubmitCaseRequest{}); err != nil {
		t.Fatal(err)
	}
}

// submitHeavy uploads an ID card (front and back) of colour noise, as large a JPEG as
// intake takes, and twelve 2000x2000 liveness frames, then submits: within every intake limit,
// yet each attempt to check the case outlasts a short budget several times over (the
// document reader searches noise for its zone and barcode for seconds; smooth images
// it rejects in a fraction of that, too close to the budget to test it).
func submitHeavy(t *testing.T, api rpc.API) {
	t.Helper()
	ctx := context.Background()
	doc := noiseJPEG(t, 10<<20)
	for _, side := range []widgetv1.DocumentSide{widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT, widgetv1.DocumentSide_DOCUMENT_SIDE_BACK} {
		if _, err := api.UploadDocument(ctx, &widgetv1.UploadDocumentRequest{DocumentType: widgetv1.DocumentType_DOCUMENT_TYPE_NATIONAL_ID,
			Side: side, Image: doc}); err != nil {
			t.Fatal(err)
		}
	}
	ch, err := api.StartLiveness(ctx, &widgetv1.StartLivenessRequest{})
	if err != nil {
		t.Fatal(err)
	}
	req := &widgetv1.SubmitLivenessRequest{ChallengeId: ch.GetChallengeId()}
	for i := range 12 {
		req.Frames = append(req.Frames, &widgetv1.LivenessFrame{Image: gradientPNG(t, 2000, 2000, i), AtMs: int32(10 * i)})
	}
	if _, err := api.SubmitLiveness(ctx, req); err != nil {
		t.Fatal(err)
	}
	if _, err := api.SubmitCase(ctx, &widgetv1.SubmitCaseRequest{}); err != nil {
		t.Fatal(err)
	}
}

// gradientPNG is a smooth colour picture: a few hundred kilobytes as PNG, tens of
// megapixels to decode.
func gradientPNG(t *testing.T, w, h, shift int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := uint8((x + y + shift*7) / 16)
			img.SetNRGBA(x, y, color.NRGBA{v, uint8(y / 20), 255 - v, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
