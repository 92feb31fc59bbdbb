package store

import (
	"context"
	"time"
)

// purgeBatch bounds how many abandoned cases one purge transaction deletes, so a large
// backlog is worked off in short transactions instead of one that never commits.
const purgeBatch = 500

// PurgeSessions deletes expired handoff codes, widget tokens and sessions created before `before`:
// sessions hold the user's email, client IP and order, and once their init token and
// every widget token opened with it have expired nothing reads them any more.
func (t *Tx) PurgeSessions(ctx context.Context, before time.Time) (int64, error) {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM widget_tokens WHERE expires_at <= $1 AND created_at < $2`,
		micros(t.now), micros(before)); err != nil {
		return 0, err
	}
	if _, err := t.q.ExecContext(ctx, `DELETE FROM handoff_codes WHERE expires_at < $1`, micros(before)); err != nil {
		return 0, err
	}
	res, err := t.q.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1 AND created_at < $2
		AND NOT EXISTS (SELECT 1 FROM widget_tokens w WHERE w.session_id = sessions.id)`, micros(t.now), micros(before))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// PurgeAbandonedCases deletes cases never submitted, with their images, when nothing
// happened in them (opened, or an image stored) since `before`. It deletes at most
// purgeBatch cases and reports how many; call it again while it returns a full batch.
// Submitted and decided cases are untouched: their images follow PurgeImages.
func (t *Tx) PurgeAbandonedCases(ctx context.Context, before time.Time) (int64, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT id FROM kyc_cases WHERE state = 'open' AND created_at < $1
		AND NOT EXISTS (SELECT 1 FROM case_images i WHERE i.case_id = kyc_cases.id AND i.created_at >= $1)
		ORDER BY created_at LIMIT $2`, micros(before), purgeBatch)
	if err != nil {
		return 0, err
	}
	var ids []any
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return 0, err
	}
	in := `(` + placeholders(1, len(ids)) + `)`
	if _, err := t.q.ExecContext(ctx, `DELETE FROM case_images WHERE case_id IN `+in, ids...); err != nil {
		return 0, err
	}
	res, err := t.q.ExecContext(ctx, `DELETE FROM kyc_cases WHERE state = 'open' AND id IN `+in, ids...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
