package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"
)

// MarkForReview flags a submitted case for the manual review queue.
func (t *Tx) MarkForReview(ctx context.Context, caseID string, reasons []string) error {
	b, _ := json.Marshal(nonNil(reasons))
	_, err := t.q.ExecContext(ctx, `UPDATE kyc_cases SET needs_review = TRUE, review_reasons = $2 WHERE id = $1 AND state = 'submitted'`, caseID, string(b))
	return err
}

// CloseCase decides a submitted case: state decided, with the decision and who made it.
// It reports false when the case was not submitted (already decided by someone else).
func (t *Tx) CloseCase(ctx context.Context, caseID, decision, by string) (bool, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE kyc_cases SET state = 'decided', decided_at = $2, decision = $3, decided_by = $4, needs_review = FALSE
		WHERE id = $1 AND state = 'submitted'`, caseID, micros(t.now), decision, by)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// QueueEntry is a case waiting for a reviewer.
type QueueEntry struct {
	Case          Case
	ReviewReasons []string
}

// ReviewReasons returns why a case is in the queue.
func (t *Tx) ReviewReasons(ctx context.Context, caseID string) ([]string, error) {
	if !isID(caseID) {
		return nil, ErrNotFound
	}
	var raw string
	if err := t.q.QueryRowContext(ctx, `SELECT review_reasons FROM kyc_cases WHERE id = $1`, caseID).Scan(&raw); errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	} else if err != nil {
		return nil, err
	}
	var out []string
	return out, json.Unmarshal([]byte(raw), &out)
}

// ImageData loads one image's sealed bytes (nil when purged).
func (t *Tx) ImageData(ctx context.Context, id string) ([]byte, error) {
	if !isID(id) {
		return nil, ErrNotFound
	}
	var b []byte
	err := t.q.QueryRowContext(ctx, `SELECT sealed FROM case_images WHERE id = $1`, id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return b, err
}

// PurgeImages deletes the image bytes of cases decided before `before`; the rows (hashes,
// quality results), checks, decision and history stay.
func (t *Tx) PurgeImages(ctx context.Context, before time.Time) (int64, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE case_images SET sealed = NULL WHERE sealed IS NOT NULL AND case_id IN
		(SELECT id FROM kyc_cases WHERE state = 'decided' AND decided_at < $1)`, micros(before))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return n, err
	}
	_, err = t.q.ExecContext(ctx, `UPDATE kyc_cases SET purged_at = $2 WHERE state = 'decided' AND decided_at < $1 AND purged_at IS NULL`, micros(before), micros(t.now))
	return n, err
}
