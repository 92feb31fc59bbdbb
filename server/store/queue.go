package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
)

// QueueQuery narrows the review queue; zero fields match every queued case.
type QueueQuery struct {
	PartnerID       string
	Reason          string // a review reason code
	SubmittedBefore int64  // micros; 0 = any time (only cases submitted before it)
	AfterAt         int64  // keyset cursor (submitted_at micros, id) of the previous page
	AfterID         string
	Limit           int
}

// queueWhere is the WHERE clause for q's filters (the cursor excepted).
func queueWhere(q QueueQuery, withReason bool) *where {
	w := &where{conds: []string{"state = 'submitted'", "needs_review = TRUE"}}
	if q.PartnerID != "" {
		w.add("partner_id = ?", q.PartnerID)
	}
	if q.SubmittedBefore != 0 {
		w.add("submitted_at <= ?", q.SubmittedBefore)
	}
	if withReason && q.Reason != "" {
		// review_reasons is a JSON array of codes; match the quoted code, with LIKE's
		// wildcards escaped (codes hold underscores).
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q.Reason)
		w.add(`review_reasons LIKE ? ESCAPE '\'`, `%"`+esc+`"%`)
	}
	return w
}

// ReviewQueue lists cases flagged for review, oldest first, after the keyset cursor.
func (t *Tx) ReviewQueue(ctx context.Context, q QueueQuery) ([]QueueEntry, error) {
	if q.PartnerID != "" && !isID(q.PartnerID) {
		return nil, nil
	}
	w := queueWhere(q, true)
	if q.AfterID != "" {
		w.after("submitted_at", ">", q.AfterAt, q.AfterID)
	}
	rows, err := t.q.QueryContext(ctx, `SELECT `+caseCols+`, review_reasons FROM kyc_cases`+w.sql()+`
		ORDER BY submitted_at, id LIMIT `+w.arg(q.Limit), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []QueueEntry
	for rows.Next() {
		var e QueueEntry
		var reasons string
		c, err := scanCase(scanExtra{rows, []any{&reasons}})
		if err != nil {
			return nil, err
		}
		e.Case = c
		_ = json.Unmarshal([]byte(reasons), &e.ReviewReasons)
		out = append(out, e)
	}
	return out, rows.Err()
}

// QueueCounts counts the queue: Total and ByReason over the cases matching q's partner
// and age (every reason), ByPartner over every queued case.
type QueueCounts struct {
	Total     int
	ByReason  map[string]int
	ByPartner map[string]int
}

// CountQueue counts the review queue (see QueueCounts).
func (t *Tx) CountQueue(ctx context.Context, q QueueQuery) (QueueCounts, error) {
	out := QueueCounts{ByReason: map[string]int{}, ByPartner: map[string]int{}}
	if q.PartnerID != "" && !isID(q.PartnerID) {
		q.PartnerID = "00000000-0000-0000-0000-000000000000" // matches nothing
	}
	// Grouped by the stored reason list: few distinct lists, each decoded once.
	w := queueWhere(q, false)
	rows, err := t.q.QueryContext(ctx, `SELECT review_reasons, COUNT(*) FROM kyc_cases`+w.sql()+` GROUP BY review_reasons`, w.args...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var raw string
		var n int
		if err := rows.Scan(&raw, &n); err != nil {
			return out, err
		}
		out.Total += n
		var reasons []string
		_ = json.Unmarshal([]byte(raw), &reasons)
		seen := map[string]bool{}
		for _, r := range reasons {
			if !seen[r] {
				seen[r] = true
				out.ByReason[r] += n
			}
		}
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	w = queueWhere(QueueQuery{}, false)
	prow, err := t.q.QueryContext(ctx, `SELECT partner_id, COUNT(*) FROM kyc_cases`+w.sql()+` GROUP BY partner_id`, w.args...)
	if err != nil {
		return out, err
	}
	defer prow.Close()
	for prow.Next() {
		var id string
		var n int
		if err := prow.Scan(&id, &n); err != nil {
			return out, err
		}
		out.ByPartner[id] = n
	}
	return out, prow.Err()
}

// UserCases lists a user's cases, newest first.
func (t *Tx) UserCases(ctx context.Context, partnerID, userID string) ([]Case, error) {
	if !isID(partnerID) {
		return nil, nil
	}
	rows, err := t.q.QueryContext(ctx, `SELECT `+caseCols+` FROM kyc_cases WHERE partner_id = $1 AND partner_user_id = $2
		ORDER BY created_at DESC, id DESC`, partnerID, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Partners lists every partner by name.
func (t *Tx) Partners(ctx context.Context) ([]Partner, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT `+partnerCols+` FROM partners p ORDER BY p.name, p.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Partner
	for rows.Next() {
		p, err := scanPartner(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CaseImage loads one image of a case with its sealed bytes (nil when purged);
// ErrNotFound when the image does not belong to that case.
func (t *Tx) CaseImage(ctx context.Context, caseID, imageID string) (Image, error) {
	if !isID(caseID) || !isID(imageID) {
		return Image{}, ErrNotFound
	}
	var im Image
	err := t.q.QueryRowContext(ctx, `SELECT id, case_id, partner_id, kind, frame, at_ms, step, content_type, sealed FROM case_images
		WHERE id = $1 AND case_id = $2`, imageID, caseID).Scan(&im.ID, &im.CaseID, &im.PartnerID, &im.Kind, &im.Frame, &im.AtMS, &im.Step, &im.ContentType, &im.Sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return im, ErrNotFound
	}
	return im, err
}
