package review

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/audit"
	"github.com/rampart-id/rampart/server/store"
)

// Audit lists audit entries, newest first (admins only).
func (m *Manager) Audit(ctx context.Context, a Actor, f store.AuditFilter) ([]store.AuditEntry, error) {
	if err := may(a, true); err != nil {
		return nil, err
	}
	if err := checkFilter(&f); err != nil {
		return nil, err
	}
	return m.store.Read().ListAudit(ctx, f)
}

// ExportAudit writes every entry matching f to w as CSV (admins only). The export is
// recorded first, in its own transaction: no export leaves without its entry.
func (m *Manager) ExportAudit(ctx context.Context, a Actor, f store.AuditFilter, w io.Writer) error {
	if err := may(a, true); err != nil {
		return err
	}
	if err := checkFilter(&f); err != nil {
		return err
	}
	return Export(ctx, m.store, a, f, w)
}

// Export records an audit.AuditExport entry for a and writes the matching entries as CSV
// (the CLI calls it directly: its actor has no role to check).
func Export(ctx context.Context, st *store.Store, a Actor, f store.AuditFilter, w io.Writer) error {
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		return tx.AppendAudit(ctx, a.Entry(audit.AuditExport, f.CaseID, f.PartnerID, f.PartnerUserID, describe(f)))
	}); err != nil {
		return err
	}
	rd := st.Read()
	return audit.WriteCSV(w, audit.Pages(f, func(f store.AuditFilter) ([]store.AuditEntry, error) { return rd.ListAudit(ctx, f) }))
}

// checkFilter canonicalises the ids of a filter; a malformed one is invalid.
func checkFilter(f *store.AuditFilter) error {
	if f.CaseID != "" {
		id, ok := store.CanonicalID(f.CaseID)
		if !ok {
			return apierr.Invalid("case_id", "must be a case id (a UUID)")
		}
		f.CaseID = id
	}
	if f.PartnerID != "" {
		id, ok := store.CanonicalID(f.PartnerID)
		if !ok {
			return apierr.Invalid("partner_id", "must be a partner id (a UUID)")
		}
		f.PartnerID = id
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Until.After(f.Since) {
		return apierr.Invalid("until", "must be after since")
	}
	return nil
}

// describe is the export's detail: which filters it used, without the user id (that
// has its own column).
func describe(f store.AuditFilter) string {
	var parts []string
	if f.Actor != "" {
		parts = append(parts, "actor="+f.Actor)
	}
	if f.Action != "" {
		parts = append(parts, "action="+f.Action)
	}
	if !f.Since.IsZero() {
		parts = append(parts, "since="+f.Since.UTC().Format(time.RFC3339))
	}
	if !f.Until.IsZero() {
		parts = append(parts, "until="+f.Until.UTC().Format(time.RFC3339))
	}
	if len(parts) == 0 {
		return "all"
	}
	return strings.Join(parts, " ")
}
