package audit

import (
	"strings"
	"testing"
	"time"

	"github.com/rampart-id/rampart/server/store"
)

// TestWriteCSV: header, RFC 3339 UTC times, quoting of commas and quotes, and every
// formula-leading character neutralised in every column.
func TestWriteCSV(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 123000, time.FixedZone("CET", 3600))
	es := []store.AuditEntry{
		{At: at, Actor: "partner:p", Action: IdentityRead, PartnerUserID: "=1+1", Address: "-1", Detail: "a,\"b\""},
		{At: at, Actor: "+x", Action: "@y", CaseID: "\tz", PartnerID: "\rw", Detail: "ok=fine"},
	}
	i := 0
	var sb strings.Builder
	err := WriteCSV(&sb, func() (store.AuditEntry, bool, error) {
		if i == len(es) {
			return store.AuditEntry{}, false, nil
		}
		i++
		return es[i-1], true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "at,actor,action,case_id,partner_id,partner_user_id,address,detail\n" +
		"2026-12-01T09:00:00.000123Z,partner:p,identity.read,,,'=1+1,'-1,\"a,\"\"b\"\"\"\n" +
		"2026-12-01T09:00:00.000123Z,'+x,'@y,'\tz,\"'\rw\",,,ok=fine\n"
	if sb.String() != want {
		t.Errorf("got\n%q\nwant\n%q", sb.String(), want)
	}
}
