package verify_test

import (
	"context"
	"testing"
	"time"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/quality/qualitytest"
	"github.com/rampart-id/rampart/server/internal/testserver"
)

// TestRetentionPurgesSessionsAndAbandonedCases: after the retention period the sessions
// (email, client IP, order) and widget tokens go, and so does a case the user never
// submitted, images included; a submitted case and a recent session stay.
func TestRetentionPurgesSessionsAndAbandonedCases(t *testing.T) {
	testenv.SkipUnderRace(t, "waits for a real capture decided by the face and document models")
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv := testserver.Start(t, dbURL)
		p := srv.NewPartner(t, "Acme")
		count := func(q string) int {
			var n int
			if err := srv.Store.DB().QueryRow(q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// One user uploads the front of a document and leaves; another submits.
		w := srv.Widget(t, p, "leaver")
		if _, err := w.UploadDocument(ctx, &widgetv1.UploadDocumentRequest{DocumentType: widgetv1.DocumentType_DOCUMENT_TYPE_NATIONAL_ID,
			Side: widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT, Image: testserver.JPEG(t, qualitytest.Document(41, 1600, 1000))}); err != nil {
			t.Fatal(err)
		}
		if err := srv.SubmitCase(t, srv.Widget(t, p, "stayer"), testserver.Capture{Seed: 42}); err != nil {
			t.Fatal(err)
		}
		if prof := waitStatus(t, srv, p.PartnerID, "stayer"); prof.Status != kyc.Verified {
			t.Fatalf("stayer: %s", prof.Status)
		}
		const leaverImages = `SELECT COUNT(*) FROM case_images i JOIN kyc_cases c ON c.id = i.case_id WHERE c.partner_user_id = 'leaver'`
		if _, err := srv.App.PurgeImages(ctx); err != nil {
			t.Fatal(err)
		}
		if count(`SELECT COUNT(*) FROM sessions`) != 2 || count(leaverImages) == 0 {
			t.Fatal("the purge deleted data still within retention")
		}

		srv.Store.SetClock(func() time.Time { return time.Now().AddDate(0, 0, 31) })
		defer srv.Store.SetClock(time.Now)
		srv.Widget(t, p, "newcomer") // a session within retention at the new time
		if _, err := srv.App.PurgeImages(ctx); err != nil {
			t.Fatal(err)
		}
		if n := count(`SELECT COUNT(*) FROM sessions WHERE partner_user_id <> 'newcomer'`); n != 0 {
			t.Errorf("%d old sessions survived", n)
		}
		if n := count(`SELECT COUNT(*) FROM widget_tokens WHERE partner_user_id <> 'newcomer'`); n != 0 {
			t.Errorf("%d old widget tokens survived", n)
		}
		if count(`SELECT COUNT(*) FROM sessions WHERE partner_user_id = 'newcomer'`) != 1 {
			t.Error("a current session was purged")
		}
		if n := count(`SELECT COUNT(*) FROM kyc_cases WHERE partner_user_id = 'leaver'`); n != 0 || count(leaverImages) != 0 {
			t.Errorf("the abandoned case survived (%d cases, %d images)", n, count(leaverImages))
		}
		if count(`SELECT COUNT(*) FROM kyc_cases WHERE partner_user_id = 'stayer'`) != 1 {
			t.Error("a decided case was deleted")
		}
		if prof, _ := srv.Store.Read().Profile(ctx, p.PartnerID, "stayer"); prof.Status != kyc.Verified {
			t.Errorf("decision lost: %s", prof.Status)
		}
	})
}
