package verify_test

import (
	"context"
	"testing"
	"time"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/internal/testserver"
)

// TestRetentionPurgesImagesKeepsDecision: images go RetentionDays after the decision;
// the decision, checks and history stay; undecided cases keep their images.
func TestRetentionPurgesImagesKeepsDecision(t *testing.T) {
	testenv.SkipUnderRace(t, "waits for real captures decided by the face and document models")
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		srv := testserver.Start(t, dbURL)
		p := srv.NewPartner(t, "Acme")
		if err := srv.SubmitCase(t, srv.Widget(t, p, "old"), testserver.Capture{Seed: 21}); err != nil {
			t.Fatal(err)
		}
		if prof := waitStatus(t, srv, p.PartnerID, "old"); prof.Status != kyc.Verified {
			t.Fatalf("old: %s", prof.Status)
		}
		if err := srv.SubmitCase(t, srv.Widget(t, p, "waiting+review"), testserver.Capture{Seed: 22}); err != nil {
			t.Fatal(err)
		}
		count := func(q string) int {
			var n int
			if err := srv.Store.DB().QueryRow(q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		const sealed = `SELECT COUNT(*) FROM case_images WHERE sealed IS NOT NULL`
		before := count(sealed)
		// Nothing is due yet.
		if n, err := srv.App.PurgeImages(ctx); err != nil || n != 0 {
			t.Fatalf("early purge: %d %v", n, err)
		}
		srv.Store.SetClock(func() time.Time { return time.Now().AddDate(0, 0, 31) })
		defer srv.Store.SetClock(time.Now)
		n, err := srv.App.PurgeImages(ctx)
		if err != nil || n == 0 || count(sealed) != before-int(n) {
			t.Fatalf("purge: %d %v (before %d, after %d)", n, err, before, count(sealed))
		}
		// The decided user's images are gone, the waiting one's remain; rows, checks and
		// history stay.
		if left := count(`SELECT COUNT(*) FROM case_images i JOIN kyc_cases c ON c.id = i.case_id WHERE c.partner_user_id = 'old' AND i.sealed IS NOT NULL`); left != 0 {
			t.Errorf("%d images of the decided case survived", left)
		}
		if kept := count(`SELECT COUNT(*) FROM case_images i JOIN kyc_cases c ON c.id = i.case_id WHERE c.partner_user_id = 'waiting+review' AND i.sealed IS NOT NULL`); kept == 0 {
			t.Error("images of an undecided case were purged")
		}
		if count(`SELECT COUNT(*) FROM case_checks`) == 0 || len(decisions(t, srv, p.PartnerID, "old")) != 1 {
			t.Error("checks or history were purged")
		}
		if prof, _ := srv.Store.Read().Profile(ctx, p.PartnerID, "old"); prof.Status != kyc.Verified {
			t.Errorf("decision lost: %s", prof.Status)
		}
	})
}
