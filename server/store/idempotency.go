package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// IdemRecord is the remembered outcome of a request made with an Idempotency-Key.
type IdemRecord struct {
	RequestHash []byte
	Outcome     string // "ok" or an error slug such as "kyc_required"
	Response    []byte // sealed by the caller: it holds a live init token
	ExpiresAt   time.Time
	// PartnerUserID is whose request it was, so redaction can find the record.
	PartnerUserID string
}

// Idempotency returns the unexpired record for (partner, key), if any.
func (t *Tx) Idempotency(ctx context.Context, partnerID, key string) (IdemRecord, bool, error) {
	var r IdemRecord
	var expires int64
	err := t.q.QueryRowContext(ctx, `SELECT request_hash, outcome, response, expires_at FROM idempotency_keys
		WHERE partner_id = $1 AND idem_key = $2 AND expires_at > $3`, partnerID, key, micros(t.now)).
		Scan(&r.RequestHash, &r.Outcome, &r.Response, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	r.ExpiresAt = time.UnixMicro(expires).UTC()
	return r, err == nil, err
}

// PutIdempotency remembers an outcome. When a concurrent request stored one first, the
// whole transaction is retried so that it replays the winner's outcome instead.
func (t *Tx) PutIdempotency(ctx context.Context, partnerID, key string, r IdemRecord) error {
	// An expired record for the key may still be there; it no longer counts.
	if _, err := t.q.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE partner_id = $1 AND idem_key = $2 AND expires_at <= $3`,
		partnerID, key, micros(t.now)); err != nil {
		return err
	}
	res, err := t.q.ExecContext(ctx, `INSERT INTO idempotency_keys (partner_id, idem_key, request_hash, outcome, response, created_at, expires_at, partner_user_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (partner_id, idem_key) DO NOTHING`,
		partnerID, key, r.RequestHash, r.Outcome, r.Response, micros(t.now), micros(r.ExpiresAt), r.PartnerUserID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return errRetry
	}
	return nil
}

// PurgeIdempotency deletes expired records.
func (t *Tx) PurgeIdempotency(ctx context.Context) (int64, error) {
	res, err := t.q.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE expires_at <= $1`, micros(t.now))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
