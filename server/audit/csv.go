package audit

import (
	"context"
	"encoding/csv"
	"io"
	"time"

	"github.com/rampart-id/rampart/server/reqctx"
	"github.com/rampart-id/rampart/server/store"
)

// CSVHeader is the first row of an export.
var CSVHeader = []string{"at", "actor", "action", "case_id", "partner_id", "partner_user_id", "address", "detail"}

// Address is the client address of the request in ctx ("" outside a request): the
// same one rate limits use (the forwarded address behind a trusted proxy).
func Address(ctx context.Context) string {
	if h := reqctx.HTTPInfo(ctx); h != nil {
		return h.ClientIP
	}
	return ""
}

// WriteCSV writes the header and then every entry next yields (next returns false at
// the end, or an error), flushing as it goes.
func WriteCSV(w io.Writer, next func() (store.AuditEntry, bool, error)) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for {
		e, ok, err := next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		row := []string{e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Action, e.CaseID, e.PartnerID, e.PartnerUserID, e.Address, e.Detail}
		for i := range row {
			row[i] = cell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cell neutralises a value a spreadsheet would run as a formula (partner user ids are
// chosen by partners, so an export must not execute them when opened).
func cell(s string) string {
	if s != "" {
		switch s[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return "'" + s
		}
	}
	return s
}

// Pages iterates over every entry matching f, newest first, one page of the store's
// listing at a time (each page read through list, so callers choose the transaction).
func Pages(f store.AuditFilter, list func(store.AuditFilter) ([]store.AuditEntry, error)) func() (store.AuditEntry, bool, error) {
	f.Limit = 500
	var page []store.AuditEntry
	done := false
	return func() (store.AuditEntry, bool, error) {
		if len(page) == 0 && !done {
			var err error
			if page, err = list(f); err != nil {
				return store.AuditEntry{}, false, err
			}
			if len(page) < f.Limit {
				done = true
			}
			if len(page) > 0 {
				last := page[len(page)-1]
				f.BeforeAt, f.BeforeID = last.At.UnixMicro(), last.ID
			}
		}
		if len(page) == 0 {
			return store.AuditEntry{}, false, nil
		}
		e := page[0]
		page = page[1:]
		return e, true, nil
	}
}
