package faults

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/rampart-id/rampart/document/doctest"
	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/gen/rampart/widget/v1/widgetv1connect"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/quality/qualitytest"
	"github.com/rampart-id/rampart/server/imageintake"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/vault"
	"github.com/rampart-id/rampart/wasm/rpc"
)

// widgetUser is one end user inside the widget: the widget's own client and its token.
type widgetUser struct {
	name  string
	api   rpc.API
	token string
}

// noKeepAlive is a client whose connections never outlive a killed server.
func noKeepAlive() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
}

// widgetSession asks for a KYC init token over REST and exchanges it with the widget's
// client, like openWidget, but also hands back the widget token for raw calls.
func widgetSession(t *testing.T, base string, p created, user string) widgetUser {
	t.Helper()
	api := rpc.New(base, rpc.HTTPTransport(noKeepAlive()))
	st, err := api.StartSession(context.Background(), &widgetv1.StartSessionRequest{InitToken: initToken(t, base, p, user)})
	if err != nil {
		t.Fatal(err)
	}
	api.SetToken(st.GetWidgetToken())
	if _, err := api.RecordConsent(context.Background(), &widgetv1.RecordConsentRequest{Language: "en"}); err != nil {
		t.Fatal(err)
	}
	return widgetUser{name: user, api: api, token: st.GetWidgetToken()}
}

// connectRequest is a Connect unary call in binary protobuf, as the widget's client
// sends it, with a body the caller controls.
func connectRequest(ctx context.Context, base, procedure, token string, body io.Reader, size int64) *http.Request {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+procedure, body)
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/proto")
	req.Header.Set("Connect-Protocol-Version", "1")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

func jpegQ(t *testing.T, q int, seed int64, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, qualitytest.Document(seed, w, h), &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// selfie answers api's selfie challenge with a recording of a real person (the
// seed picks who).
func selfie(t *testing.T, api rpc.API, seed int64) *widgetv1.SubmitLivenessRequest {
	t.Helper()
	return testserver.Selfie(t, api, testserver.Capture{Seed: seed})
}

// phonePhoto is passportOf(seed) as a phone sends it: 3000 px wide, with sensor
// noise, at JPEG quality 100.
func phonePhoto(t *testing.T, seed int64) []byte {
	t.Helper()
	page := passportPage(t, seed)
	img := qualitytest.Resize(page, 3000, 3000*page.Bounds().Dy()/page.Bounds().Dx())
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	for i := range img.Pix {
		if i%4 != 3 {
			img.Pix[i] = uint8(max(0, min(255, int(img.Pix[i])+int(rng.NormFloat64()*12))))
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// passportOf is a JPEG (quality q) of a passport page with the portrait of the person
// selfie(…, seed) shows.
func passportOf(t *testing.T, seed int64, q int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, passportPage(t, seed), &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// passportPage is a generated passport page (a number no other page of the process
// has) of the person selfie(…, seed) shows.
func passportPage(t *testing.T, seed int64) image.Image {
	t.Helper()
	c := testserver.Capture{Seed: seed}
	d := c.Document(t)
	d.Kind = doctest.Passport
	page, _ := doctest.Render(d)
	return page
}

func openDB(t *testing.T, dbURL string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func testKeyring(t *testing.T) *vault.Keyring {
	t.Helper()
	raw, _ := base64.StdEncoding.DecodeString(masterKey)
	k, err := vault.NewKeyring(raw)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// checkCaseImages: the user has exactly one case, still open, and every image row of it
// is complete — sealed data present, decrypting to exactly the bytes that were sent.
// front is the document the upload carried: a front row may exist only if it holds
// exactly that image, and must exist when mustHaveFront.
// stored is what the server keeps of an uploaded image: the decoded pixels re-encoded
// (deterministically, so byte for byte).
func stored(t *testing.T, sent []byte) []byte {
	t.Helper()
	img, _, err := imageintake.Decode(context.Background(), sent, imageintake.Limits{MinSide: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := imageintake.Reencode(img)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func checkCaseImages(t *testing.T, db *sql.DB, keys *vault.Keyring, user string, live []*widgetv1.LivenessFrame, front []byte, mustHaveFront bool) {
	t.Helper()
	frames := make([][]byte, len(live))
	for i, f := range live {
		frames[i] = f.GetImage()
	}
	var caseID, state sql.NullString
	var cases int
	if err := db.QueryRow(`SELECT COUNT(*), MIN(id::text), MIN(state) FROM kyc_cases WHERE partner_user_id = $1`, user).Scan(&cases, &caseID, &state); err != nil {
		t.Fatal(err)
	}
	if cases != 1 || state.String != store.CaseOpen {
		t.Fatalf("%s has %d cases (state %q); want exactly one open case", user, cases, state.String)
	}
	rows, err := db.Query(`SELECT id::text, kind, frame, sealed FROM case_images WHERE case_id = $1`, caseID.String)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var nFrames, nFront int
	for rows.Next() {
		var id, kind string
		var frame int
		var sealed []byte
		if err := rows.Scan(&id, &kind, &frame, &sealed); err != nil {
			t.Fatal(err)
		}
		if sealed == nil {
			t.Fatalf("image row %s (%s) has no data: a partial upload was stored", id, kind)
		}
		plain, err := keys.Open(sealed, store.ImageAAD(id))
		if err != nil {
			t.Fatalf("image row %s (%s) does not decrypt: %v", id, kind, err)
		}
		switch kind {
		case store.ImageLiveness:
			nFrames++
			if frame < 0 || frame >= len(frames) || !bytes.Equal(plain, stored(t, frames[frame])) {
				t.Fatalf("liveness frame %d is not the frame that was sent", frame)
			}
		case store.ImageFront:
			nFront++
			if want := stored(t, front); !bytes.Equal(plain, want) {
				t.Fatalf("document row %s holds %d bytes, not the %d bytes stored for the image that was sent: a partial upload was stored", id, len(plain), len(want))
			}
		default:
			t.Fatalf("unexpected image row %s of kind %s", id, kind)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if nFrames != len(frames) || nFront > 1 || (mustHaveFront && nFront != 1) {
		t.Fatalf("case %s: %d liveness frames (want %d), %d document fronts (want %s)", caseID.String, nFrames, len(frames),
			nFront, map[bool]string{true: "1", false: "0 or 1"}[mustHaveFront])
	}
}

func profileStatus(t *testing.T, db *sql.DB, user string) string {
	t.Helper()
	status := "not_started" // no row: never seen
	err := db.QueryRow(`SELECT status FROM kyc_profiles WHERE partner_user_id = $1`, user).Scan(&status)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		t.Fatal(err)
	}
	return status
}

// TestUploadKilledMidBodyStoresNothingPartial: SIGKILL the server while a 5 MB document
// upload is still streaming in, and again right after its last byte was sent. After
// each restart no partial image exists (every row decrypts to exactly what was sent),
// the same widget token still works, the upload can be redone, and the case is submitted
// and decided.
func TestUploadKilledMidBodyStoresNothingPartial(t *testing.T) {
	dbURL := testenv.PostgresURL(t)
	cli(t, dbURL, "migrate", "up")
	p := createPartner(t, dbURL)
	db := openDB(t, dbURL)
	keys := testKeyring(t)
	addr := freePort(t)
	srv := serve(t, dbURL, addr)
	u := widgetSession(t, srv.URL, p, "uploader")
	ctx := context.Background()

	// The selfie sequence is stored first, so the case exists with committed images.
	live := selfie(t, u.api, 42)
	if _, err := u.api.SubmitLiveness(ctx, live); err != nil {
		t.Fatal(err)
	}
	doc := phonePhoto(t, 42) // the passport as a full-resolution phone photo, > 4 MB
	body, err := proto.Marshal(&widgetv1.UploadDocumentRequest{DocumentType: widgetv1.DocumentType_DOCUMENT_TYPE_PASSPORT,
		Side: widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT, Image: doc})
	if err != nil {
		t.Fatal(err)
	}
	if len(body) < 4<<20 {
		t.Fatalf("the test document is only %d bytes; want a large upload", len(body))
	}

	// 1. Killed while the body is streaming: half of it sent, the rest still to come.
	pr, pw := io.Pipe()
	answered := make(chan error, 1)
	go func() {
		res, err := noKeepAlive().Do(connectRequest(ctx, srv.URL, widgetv1connect.WidgetServiceUploadDocumentProcedure, u.token, pr, int64(len(body))))
		if err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			err = fmt.Errorf("the interrupted upload was answered: %d %s", res.StatusCode, b)
		} else {
			err = nil
		}
		answered <- err
	}()
	half := len(body) / 2
	for off := 0; off < half; off += 32 << 10 {
		if _, err := pw.Write(body[off:min(off+32<<10, half)]); err != nil {
			t.Fatalf("the server stopped reading the upload early: %v", err)
		}
	}
	srv.kill()
	_ = pw.CloseWithError(errors.New("client stopped"))
	select {
	case err := <-answered:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the interrupted upload did not end after the server was killed")
	}

	srv = serve(t, dbURL, addr)
	checkCaseImages(t, db, keys, u.name, live.Frames, doc, false)
	st, err := u.api.GetStatus(ctx, &widgetv1.GetStatusRequest{})
	if err != nil {
		t.Fatalf("the widget token stopped working after the restart: %v", err)
	}
	if st.GetState().GetStatus() != kycv1.KycStatus_KYC_STATUS_NOT_STARTED {
		t.Fatalf("status after the interrupted upload: %v", st.GetState().GetStatus())
	}

	// 2. Killed the moment the last byte is on the wire, while the server decodes and
	//    seals it: the row is either absent or complete.
	var once sync.Once
	victim := srv
	trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { once.Do(victim.kill) }}
	res, err := noKeepAlive().Do(connectRequest(httptrace.WithClientTrace(ctx, trace), srv.URL,
		widgetv1connect.WidgetServiceUploadDocumentProcedure, u.token, bytes.NewReader(body), int64(len(body))))
	if err == nil {
		res.Body.Close() // answered before the kill landed: a complete upload
	}
	once.Do(victim.kill)
	srv = serve(t, dbURL, addr)
	checkCaseImages(t, db, keys, u.name, live.Frames, doc, false)

	// 3. The same token redoes the upload; the case is submitted and decided.
	if _, err := u.api.UploadDocument(ctx, &widgetv1.UploadDocumentRequest{DocumentType: widgetv1.DocumentType_DOCUMENT_TYPE_PASSPORT,
		Side: widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT, Image: doc}); err != nil {
		t.Fatalf("redoing the upload after the restarts: %v", err)
	}
	checkCaseImages(t, db, keys, u.name, live.Frames, doc, true)
	if _, err := u.api.SubmitCase(ctx, &widgetv1.SubmitCaseRequest{}); err != nil {
		t.Fatalf("submit after the restarts: %v", err)
	}
	var status string
	waitFor(t, "the case to be decided", 30*time.Second, func() bool {
		status = profileStatus(t, db, u.name)
		return status != "pending"
	})
	if status != "verified" {
		t.Fatalf("decided %q, want verified\n%s", status, srv.logs.String())
	}
}

// TestSubmitKilledAroundTheCommit: several users submit a few milliseconds apart and the
// server is SIGKILLed right after the last request is on the wire, so some submissions
// commit (answered or not) and some are cut off mid-flight. After a restart every user is
// either not_started with one open case and no job (nothing committed), or pending /
// decided with exactly one submitted case and exactly one verification job: never
// pending without a job, never two undecided cases. A submission whose answer was lost
// is safe to retry (case_not_open); one that never committed can be redone with the same
// widget token; everything is decided without manual help.
func TestSubmitKilledAroundTheCommit(t *testing.T) {
	dbURL := testenv.PostgresURL(t)
	cli(t, dbURL, "migrate", "up")
	p := createPartner(t, dbURL)
	db := openDB(t, dbURL)
	addr := freePort(t)
	srv := serve(t, dbURL, addr)
	ctx := context.Background()

	// One person per user (the test material has five whose turns the pipeline
	// follows): the same face verified under two user ids would go to review.
	const n = 5
	users := make([]widgetUser, n)
	for i := range users {
		users[i] = widgetSession(t, srv.URL, p, fmt.Sprintf("submitter-%d", i))
		if _, err := users[i].api.UploadDocument(ctx, &widgetv1.UploadDocumentRequest{DocumentType: widgetv1.DocumentType_DOCUMENT_TYPE_PASSPORT,
			Side: widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT, Image: passportOf(t, int64(200+i), 90)}); err != nil {
			t.Fatal(err)
		}
		if _, err := users[i].api.SubmitLiveness(ctx, selfie(t, users[i].api, int64(200+i))); err != nil {
			t.Fatal(err)
		}
	}

	// Two submissions complete normally (their jobs may be running when the kill lands).
	answeredOK := make([]bool, n)
	for i := range 2 {
		if _, err := users[i].api.SubmitCase(ctx, &widgetv1.SubmitCaseRequest{}); err != nil {
			t.Fatal(err)
		}
		answeredOK[i] = true
	}
	// The rest fire a few milliseconds apart; the kill lands right after the last is sent.
	var written atomic.Int32
	var once sync.Once
	victim := srv
	trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) {
		if written.Add(1) == n-2 {
			once.Do(victim.kill)
		}
	}}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 2; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			time.Sleep(time.Duration(i-2) * 5 * time.Millisecond) // spread them over the commit
			cctx, cancel := context.WithTimeout(httptrace.WithClientTrace(ctx, trace), 20*time.Second)
			defer cancel()
			_, err := users[i].api.SubmitCase(cctx, &widgetv1.SubmitCaseRequest{})
			answeredOK[i] = err == nil
		}()
	}
	close(start)
	wg.Wait()
	once.Do(victim.kill)

	type outcome struct {
		status          string
		open, undecided int
		jobs            int // verification jobs of the user's submitted case(s)
		cases           int
	}
	inspect := func(user string) outcome {
		o := outcome{status: profileStatus(t, db, user)}
		err := db.QueryRow(`SELECT COUNT(*),
			COUNT(*) FILTER (WHERE c.state = 'open'),
			COUNT(*) FILTER (WHERE c.state <> 'decided'),
			(SELECT COUNT(*) FROM verification_jobs j JOIN kyc_cases c2 ON c2.id = j.case_id WHERE c2.partner_user_id = $1)
			FROM kyc_cases c WHERE c.partner_user_id = $1`, user).Scan(&o.cases, &o.open, &o.undecided, &o.jobs)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	committed := make([]bool, n)
	srv = serve(t, dbURL, addr)
	for i, u := range users {
		o := inspect(u.name)
		switch {
		case o.undecided > 1:
			t.Fatalf("%s has %d undecided cases", u.name, o.undecided)
		case o.status == "not_started":
			if answeredOK[i] {
				t.Fatalf("%s: the submission was acknowledged but is lost (status not_started)", u.name)
			}
			if o.cases != 1 || o.open != 1 || o.jobs != 0 {
				t.Fatalf("%s: not_started with %d cases (%d open) and %d jobs; want 1 open case and no job", u.name, o.cases, o.open, o.jobs)
			}
		case o.status == "pending" || o.status == "verified" || o.status == "failed":
			committed[i] = true
			if o.cases != 1 || o.open != 0 || o.jobs != 1 {
				t.Fatalf("%s: %s with %d cases (%d still open) and %d verification jobs; want 1 submitted case with exactly 1 job",
					u.name, o.status, o.cases, o.open, o.jobs)
			}
		default:
			t.Fatalf("%s: unexpected status %q", u.name, o.status)
		}
	}
	var lost, landed, unanswered int
	for i := 2; i < n; i++ {
		switch {
		case !committed[i]:
			lost++
		case !answeredOK[i]:
			landed++
			unanswered++
		default:
			landed++
		}
	}
	t.Logf("of %d submissions in flight at the kill: %d committed (%d of them unanswered), %d did not", n-2, landed, unanswered, lost)

	// Retrying is safe either way: a committed submission is not submitted twice, an
	// uncommitted one goes through with the same widget token.
	for i, u := range users {
		_, err := u.api.SubmitCase(ctx, &widgetv1.SubmitCaseRequest{})
		var re *rpc.Error
		switch {
		case committed[i] && (!errors.As(err, &re) || re.Slug != "case_not_open"):
			t.Fatalf("%s: retrying a committed submission: %v; want case_not_open", u.name, err)
		case !committed[i] && err != nil:
			t.Fatalf("%s: resubmitting after the restart: %v", u.name, err)
		}
	}
	for _, u := range users {
		waitFor(t, u.name+"'s case to be decided", 40*time.Second, func() bool { return profileStatus(t, db, u.name) != "pending" })
		o := inspect(u.name)
		var toPending, decisions int
		_ = db.QueryRow(`SELECT COUNT(*) FILTER (WHERE to_status = 'pending'), COUNT(*) FILTER (WHERE from_status = 'pending')
			FROM status_history WHERE partner_user_id = $1`, u.name).Scan(&toPending, &decisions)
		if o.status != "verified" || o.cases != 1 || o.undecided != 0 || o.jobs != 1 || toPending != 1 || decisions != 1 {
			t.Fatalf("%s: %s, %d cases (%d undecided), %d jobs, %d submissions and %d decisions in the history; want verified, 1, 0, 1, 1, 1\n%s",
				u.name, o.status, o.cases, o.undecided, o.jobs, toPending, decisions, srv.logs.String())
		}
	}
}
