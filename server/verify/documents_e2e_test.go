package verify_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rampart-id/rampart/document/doctest"
	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/quality/qualitytest"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/internal/testserver"
	"github.com/rampart-id/rampart/server/partner"
)

// TestDocumentsEndToEnd sends generated passports through the real server, widget API
// to decision, on both stores: a valid one verifies and its data is read back; an
// expired one, an underage holder, the wrong document type, the same passport under
// a second user and a name the partner did not expect each get their reason. Then
// no document number, name or birth date is anywhere in the database in clear.
func TestDocumentsEndToEnd(t *testing.T) {
	testenv.SkipUnderRace(t, "runs the face networks and the document reader on every case")
	if testing.Short() {
		t.Skip("runs the face networks and the document reader on every case")
	}
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		srv := testserver.Start(t, dbURL)
		p := srv.CreatePartner(t, partner.NewPartner{Name: "Acme", Test: true, ShareIdentity: true})
		ctx := context.Background()
		now := time.Now()
		passport := func(seed int64, edit func(*doctest.Spec)) *doctest.Spec {
			d := doctest.Random(doctest.Passport, seed, now)
			d.Number = fmt.Sprintf("E2E%06d", seed)
			if edit != nil {
				edit(&d)
			}
			return &d
		}
		valid := passport(1, nil)
		cases := []struct {
			user    string
			capture testserver.Capture
			status  kyc.Status // kyc.Pending: sent to review
			reason  string
			final   bool
		}{
			{"valid", testserver.Capture{Seed: 1, Doc: valid}, kyc.Verified, "", false},
			{"expired", testserver.Capture{Seed: 2, Doc: passport(2, func(d *doctest.Spec) { d.Expiry = now.AddDate(0, -2, 0).Truncate(24 * time.Hour) })},
				kyc.Failed, kyc.ReasonDocumentExpired, false},
			{"child", testserver.Capture{Seed: 3, Doc: passport(3, func(d *doctest.Spec) {
				d.Person.BirthDate = time.Date(now.Year()-12, now.Month(), 1, 0, 0, 0, 0, time.UTC)
			})}, kyc.Failed, kyc.ReasonUnderage, true},
			// A passport photo page tapped as an ID card, with any page as its "back".
			{"wrong-type", testserver.Capture{Seed: 4, Doc: passport(4, nil), Type: widgetv1.DocumentType_DOCUMENT_TYPE_NATIONAL_ID,
				Back: qualitytest.Document(4, 1600, 1000)}, kyc.Failed, kyc.ReasonDocumentType, false},
			{"valid-again", testserver.Capture{Seed: 1, Doc: valid}, kyc.Pending, kyc.ReasonDuplicateIdentity, false},
			{"someone-else", testserver.Capture{Seed: 6, Doc: passport(6, nil)}, kyc.Pending, kyc.ReasonIdentityMismatch, false},
		}
		for _, c := range cases {
			if c.user == "someone-else" {
				pt, err := srv.Store.Read().PartnerByID(ctx, p.PartnerID)
				if err != nil {
					t.Fatal(err)
				}
				_, err = srv.App.Partners.CreateSession(ctx, pt, &partnerv1.CreateSessionRequest{PartnerUserId: c.user, UserEmail: "u@example.com",
					Currency: "BTC", FiatCurrency: "EUR", FiatAmount: "50", ExpectedName: "Zygmunt Quackenbush"}, "")
				if e, ok := apierr.As(err); !ok || e.Code != apierr.KycRequired {
					t.Fatalf("session with expected name: %v", err)
				}
			}
			if c.user == "valid-again" {
				// The duplicate is only one once the first is in the index.
				if prof := waitStatus(t, srv, p.PartnerID, "valid"); prof.Status != kyc.Verified {
					t.Fatalf("valid passport: %+v\n%+v", prof, caseChecks(t, srv, p.PartnerID, "valid"))
				}
			}
			if err := srv.SubmitCase(t, srv.Widget(t, p, c.user), c.capture); err != nil {
				t.Fatalf("%s: %v", c.user, err)
			}
		}
		for _, c := range cases {
			if c.status == kyc.Pending {
				needs, reasons := waitReview(t, srv, p.PartnerID, c.user)
				if !needs || !slices.Contains(reasons, c.reason) {
					t.Errorf("%s: review %v for %v, want review for %s\n%+v", c.user, needs, reasons, c.reason, caseChecks(t, srv, p.PartnerID, c.user))
				}
				continue
			}
			prof := waitStatus(t, srv, p.PartnerID, c.user)
			if prof.Status != c.status || (c.reason != "" && !slices.Contains(prof.FailureReasons, c.reason)) || prof.Final != c.final {
				t.Errorf("%s: %s %v final=%v, want %s %s final=%v\n%+v", c.user, prof.Status, prof.FailureReasons, prof.Final,
					c.status, c.reason, c.final, caseChecks(t, srv, p.PartnerID, c.user))
			}
		}
		pt, err := srv.Store.Read().PartnerByID(ctx, p.PartnerID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := srv.App.Partners.Identity(ctx, pt, "valid")
		if err != nil {
			t.Fatal(err)
		}
		if id := got.GetIdentity(); id.GetDateOfBirth() != valid.Person.BirthDate.Format(time.DateOnly) || id.GetDocumentNumberLast4() != valid.Number[len(valid.Number)-4:] {
			t.Errorf("identity of valid: %v", got)
		}
		assertNoClearPII(t, srv.Store.DB(), valid)
	})
}

// waitReview waits until the user's case is routed to review (or 20 s pass).
func waitReview(t *testing.T, srv *testserver.Server, partnerID, user string) (bool, []string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		needs, reasons := reviewOf(t, srv, partnerID, user)
		if needs || time.Now().After(deadline) {
			return needs, reasons
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// assertNoClearPII reads every column of every table as text and fails if the
// document's number, the holder's names or birth date appear anywhere.
func assertNoClearPII(t *testing.T, db *sql.DB, d *doctest.Spec) {
	t.Helper()
	// Short strings could occur by chance in sealed bytes or timestamps: only names of
	// five letters or more are looked for, and dates in their written forms.
	var needles []string
	for _, n := range append(strings.FieldsFunc(doctest.Transliterate(d.Person.Surname+" "+d.Person.GivenNames),
		func(r rune) bool { return r == '<' }), d.Number,
		d.Person.BirthDate.Format(time.DateOnly), d.Person.BirthDate.Format("20060102")) {
		if len(n) >= 5 {
			needles = append(needles, n)
		}
	}
	tables := tableNames(t, db)
	if len(tables) < 10 {
		t.Fatalf("found only tables %v", tables)
	}
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM ` + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				var b []byte
				switch x := v.(type) {
				case []byte:
					b = x
				case string:
					b = []byte(x)
				default:
					b = []byte(fmt.Sprint(x))
				}
				for _, n := range needles {
					if n != "" && bytes.Contains(bytes.ToUpper(b), []byte(strings.ToUpper(n))) {
						t.Errorf("%s.%s holds %q in clear", table, cols[i], n)
					}
				}
			}
		}
		rows.Close()
	}
}

func tableNames(t *testing.T, db *sql.DB) []string {
	t.Helper()
	q := `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	if _, err := db.Exec(`SELECT sqlite_version()`); err == nil {
		q = `SELECT name FROM sqlite_master WHERE type = 'table'`
	}
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}
