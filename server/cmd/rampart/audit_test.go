package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/rampart-id/rampart/internal/testenv"
	"github.com/rampart-id/rampart/server/audit"
	"github.com/rampart-id/rampart/server/store"
)

// TestAuditExportCLI: `rampart audit export` writes the filtered log as CSV to stdout
// and records the export under cli:$USER; bad flags are refused before any output.
func TestAuditExportCLI(t *testing.T) {
	ctx := context.Background()
	db := testenv.SQLiteURL(t)
	t.Setenv("USER", "olga")
	if err := run(ctx, []string{"migrate", "up", "--database", db}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	partnerID, caseID := uuid.NewString(), uuid.NewString()
	base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	rita := audit.Actor{ID: "operator:rita", Role: store.RoleReviewer, Address: "198.51.100.7"}
	for i, act := range []string{audit.CaseView, audit.CaseDecide, audit.CaseView} {
		st.SetClock(func() time.Time { return base.Add(time.Duration(i) * 24 * time.Hour) })
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			return tx.AppendAudit(ctx, rita.Entry(act, caseID, partnerID, "=u1", "d"+string(rune('0'+i))))
		}); err != nil {
			t.Fatal(err)
		}
	}
	st.SetClock(time.Now)

	var out bytes.Buffer
	defer func(w io.Writer) { auditOut = w }(auditOut)
	auditOut = &out
	export := func(args ...string) [][]string {
		t.Helper()
		out.Reset()
		if err := run(ctx, append(append([]string{"audit", "export"}, args...), "--database", db)); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		rows, err := csv.NewReader(&out).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(rows[0], ",") != "at,actor,action,case_id,partner_id,partner_user_id,address,detail" {
			t.Fatalf("header %v", rows[0])
		}
		return rows[1:]
	}
	rows := export("--since", "2026-11-02T00:00:00Z", "--until", "2026-11-03T13:00:00Z", "--action", audit.CaseView)
	if len(rows) != 1 || rows[0][0] != "2026-11-03T12:00:00Z" || rows[0][1] != "operator:rita" || rows[0][3] != caseID ||
		rows[0][4] != partnerID || rows[0][5] != "'=u1" || rows[0][6] != "198.51.100.7" || rows[0][7] != "d2" {
		t.Errorf("filtered export: %v", rows)
	}
	if rows := export("--case", caseID, "--partner", partnerID, "--actor", "operator:rita"); len(rows) != 3 || rows[0][7] != "d2" || rows[2][7] != "d0" {
		t.Errorf("export by case, newest first: %v", rows)
	}
	rows = export("--actor", "cli:olga")
	if len(rows) != 3 || rows[0][2] != audit.AuditExport || rows[0][7] != "actor=cli:olga" || rows[2][7] != "action=case.view since=2026-11-02T00:00:00Z until=2026-11-03T13:00:00Z" {
		t.Errorf("the exports themselves: %v", rows)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "usage"},
		{[]string{"import"}, "usage"},
		{[]string{"export", "--since", "yesterday"}, "RFC 3339"},
		{[]string{"export", "--until", "2026-13-01"}, "RFC 3339"},
		{[]string{"export", "--partner", "acme"}, "not a partner id"},
		{[]string{"export", "--case", "1 OR 1=1"}, "not a case id"},
	} {
		out.Reset()
		err := run(ctx, append(append([]string{"audit"}, tc.args...), "--database", db))
		if err == nil || !strings.Contains(err.Error(), tc.want) || out.Len() != 0 {
			t.Errorf("%v: %v (wrote %d bytes), want an error with %q", tc.args, err, out.Len(), tc.want)
		}
	}
}
