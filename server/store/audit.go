package store

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// AuditEntry is one line of the append-only audit log. Actor is "operator:NAME" or
// "partner:ID"; Action is one of the audit actions (package audit names them).
type AuditEntry struct {
	ID            string
	At            time.Time
	Actor         string
	Action        string
	CaseID        string // "" when the action concerns no single case
	PartnerID     string
	PartnerUserID string
	Address       string // the client address the request came from
	Detail        string // free text without personal data (a decision, a reason code)
}

// AppendAudit writes one entry; its id and time are set here.
func (t *Tx) AppendAudit(ctx context.Context, e AuditEntry) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO audit_log (id, at, actor, action, case_id, partner_id, partner_user_id, address, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, uuid.NewString(), micros(t.now), e.Actor, e.Action, e.CaseID, e.PartnerID,
		e.PartnerUserID, e.Address, e.Detail)
	return err
}

// AuditFilter narrows a listing of the audit log; zero fields match everything.
type AuditFilter struct {
	Actor, Action, CaseID, PartnerID, PartnerUserID string
	Since, Until                                    time.Time // Until is exclusive
	// Before is the keyset cursor of the previous page (newest first): entries
	// strictly older than (BeforeAt, BeforeID).
	BeforeAt int64
	BeforeID string
	Limit    int // at most 1000; 0 means 100
}

// ListAudit lists entries newest first.
func (t *Tx) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	var w where
	if f.Actor != "" {
		w.add("actor = ?", f.Actor)
	}
	if f.Action != "" {
		w.add("action = ?", f.Action)
	}
	if f.CaseID != "" {
		w.add("case_id = ?", f.CaseID)
	}
	if f.PartnerID != "" {
		w.add("partner_id = ?", f.PartnerID)
	}
	if f.PartnerUserID != "" {
		w.add("partner_user_id = ?", f.PartnerUserID)
	}
	if !f.Since.IsZero() {
		w.add("at >= ?", micros(f.Since))
	}
	if !f.Until.IsZero() {
		w.add("at < ?", micros(f.Until))
	}
	if f.BeforeID != "" {
		w.after("at", "<", f.BeforeAt, f.BeforeID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	q := `SELECT id, at, actor, action, case_id, partner_id, partner_user_id, address, detail FROM audit_log` + w.sql() +
		` ORDER BY at DESC, id DESC LIMIT ` + w.arg(min(limit, 1000))
	rows, err := t.q.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.CaseID, &e.PartnerID, &e.PartnerUserID, &e.Address, &e.Detail); err != nil {
			return nil, err
		}
		e.At = time.UnixMicro(at).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
