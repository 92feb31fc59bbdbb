package review_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/server/audit"
	"github.com/rampart-id/rampart/server/store"
)

// TestExportAudit: the CSV has the header and every matching entry newest first, across
// internal pages; cells a spreadsheet would run as formulas are neutralised; the export
// itself is recorded (before its rows are read, so it lists itself).
func TestExportAudit(t *testing.T) {
	testenv.Backends(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		e := setup(t, dbURL)
		p := e.partner(t, "acme", false)
		const n = 1203 // more than two of Export's internal pages
		e.tx(t, func(tx *store.Tx) error {
			for i := range n {
				user := "u" + time.Duration(i).String()
				if err := tx.AppendAudit(ctx, rita.Entry(audit.CaseView, "", p.ID, user, "")); err != nil {
					return err
				}
			}
			return nil
		})
		e.now = e.now.Add(time.Second)
		hostile := []string{"=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "\tx", "ok=1"}
		e.tx(t, func(tx *store.Tx) error {
			for i, u := range hostile {
				a := audit.Partner(p.ID, "203.0.113.9")
				if err := tx.AppendAudit(ctx, a.Entry(audit.IdentityRead, "", p.ID, u, []string{"returned", "=cmd|' /C calc'!A0"}[i%2])); err != nil {
					return err
				}
			}
			return nil
		})
		e.now = e.now.Add(time.Second)

		var sb strings.Builder
		if err := e.m.ExportAudit(ctx, alice, store.AuditFilter{}, &sb); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(strings.NewReader(sb.String())).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(rows[0], ",") != "at,actor,action,case_id,partner_id,partner_user_id,address,detail" {
			t.Fatalf("header %v", rows[0])
		}
		if len(rows) != 1+1+len(hostile)+n {
			t.Fatalf("%d rows, want %d", len(rows), 1+1+len(hostile)+n)
		}
		if r := rows[1]; r[1] != "operator:alice" || r[2] != audit.AuditExport || r[6] != alice.Address || r[7] != "all" {
			t.Errorf("first row is not the export itself: %v", r)
		}
		if at, err := time.Parse(time.RFC3339Nano, rows[1][0]); err != nil || !at.Equal(e.now) || !strings.HasSuffix(rows[1][0], "Z") {
			t.Errorf("time %q: %v", rows[1][0], err)
		}
		users := map[string]bool{}
		for _, r := range rows[2:] {
			users[r[5]] = true
			for _, c := range r {
				if c != "" && strings.ContainsRune("=+-@\t", rune(c[0])) {
					t.Errorf("cell %q would run as a formula", c)
				}
			}
		}
		for _, u := range []string{"'=HYPERLINK(\"http://x\")", "'+1+1", "'-2", "'@SUM(A1)", "'\tx", "ok=1", "u0s", "u1.202µs"} {
			if !users[u] {
				t.Errorf("user cell %q missing", u)
			}
		}
		if len(users) != n+len(hostile) {
			t.Errorf("%d distinct users, want %d (a page repeated or skipped rows)", len(users), n+len(hostile))
		}

		// Filters narrow the export; the export entry records them.
		sb.Reset()
		e.now = e.now.Add(time.Second)
		f := store.AuditFilter{Action: audit.IdentityRead, PartnerID: p.ID}
		if err := e.m.ExportAudit(ctx, alice, f, &sb); err != nil {
			t.Fatal(err)
		}
		rows, _ = csv.NewReader(strings.NewReader(sb.String())).ReadAll()
		if len(rows) != 1+len(hostile) {
			t.Errorf("filtered export: %d rows", len(rows))
		}
		last := e.entries(t)
		if x := last[len(last)-1]; x.Action != audit.AuditExport || x.Detail != "action=identity.read" || x.PartnerID != p.ID {
			t.Errorf("export entry: %+v", x)
		}
	})
}
