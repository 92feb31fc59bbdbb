package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/google/uuid"
)

// Identities read from documents: sealed per case, found again through keyed hashes of
// the document number, and every partner read audited. Nothing here is in clear: the
// caller seals and opens, and computes the keys.

// CaseIdentity is the sealed identity read from one case's document.
type CaseIdentity struct {
	CaseID        string
	PartnerUserID string
	Sealed        []byte
	CreatedAt     time.Time
}

// IdentityAAD binds a sealed identity to its case.
func IdentityAAD(caseID string) []byte { return []byte("identity:" + caseID) }

// ExpectedAAD binds a partner's expected identity of a user to that user.
func ExpectedAAD(partnerID, userID string) []byte {
	return []byte("expected_identity:" + partnerID + ":" + userID)
}

// PutIdentity stores (or replaces) the identity of a case and the keyed hashes of its
// document, all kept until purgeAfter; nothing when the user was redacted after the
// case was submitted.
func (t *Tx) PutIdentity(ctx context.Context, caseID, partnerID, userID string, sealed []byte, docKeys [][]byte, purgeAfter time.Time) error {
	if gone, err := t.erasedCase(ctx, caseID); err != nil || gone {
		return err // redacted while the case was being checked: nothing to keep
	}
	if _, err := t.q.ExecContext(ctx, `INSERT INTO case_identities (case_id, partner_id, partner_user_id, sealed, created_at, purge_after)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_id) DO UPDATE SET sealed = excluded.sealed, purge_after = excluded.purge_after`,
		caseID, partnerID, userID, sealed, micros(t.now), micros(purgeAfter)); err != nil {
		return err
	}
	for _, k := range docKeys {
		if _, err := t.q.ExecContext(ctx, `INSERT INTO document_keys (case_id, doc_key, partner_id, partner_user_id, purge_after)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_id, doc_key) DO NOTHING`,
			caseID, k, partnerID, userID, micros(purgeAfter)); err != nil {
			return err
		}
	}
	return nil
}

// DocumentHolders lists the partner's users other than exceptUser whose cases read a
// document with one of the keyed hashes keys.
func (t *Tx) DocumentHolders(ctx context.Context, partnerID, exceptUser string, keys [][]byte) ([]string, error) {
	if len(keys) == 0 || !isID(partnerID) {
		return nil, nil
	}
	args := []any{partnerID, exceptUser}
	for _, k := range keys {
		args = append(args, k)
	}
	rows, err := t.q.QueryContext(ctx, `SELECT DISTINCT partner_user_id FROM document_keys
		WHERE partner_id = $1 AND partner_user_id <> $2 AND doc_key IN (`+placeholders(3, len(keys))+`)
		ORDER BY partner_user_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CaseIdentityByID loads the sealed identity of one case (ErrNotFound when none was
// read, or it was purged).
func (t *Tx) CaseIdentityByID(ctx context.Context, caseID string) (CaseIdentity, error) {
	if !isID(caseID) {
		return CaseIdentity{}, ErrNotFound
	}
	return scanIdentity(t.q.QueryRowContext(ctx, `SELECT case_id, partner_user_id, sealed, created_at
		FROM case_identities WHERE case_id = $1`, caseID))
}

// VerifiedIdentity loads the identity read from the case that verified the user (the
// latest verified case), ErrNotFound when there is none.
func (t *Tx) VerifiedIdentity(ctx context.Context, partnerID, userID string) (CaseIdentity, error) {
	if !isID(partnerID) {
		return CaseIdentity{}, ErrNotFound
	}
	return scanIdentity(t.q.QueryRowContext(ctx, `SELECT i.case_id, i.partner_user_id, i.sealed, i.created_at
		FROM case_identities i JOIN kyc_cases c ON c.id = i.case_id
		WHERE i.partner_id = $1 AND i.partner_user_id = $2 AND c.decision = 'verified'
		ORDER BY c.decided_at DESC LIMIT 1`, partnerID, userID))
}

func scanIdentity(row row) (CaseIdentity, error) {
	var ci CaseIdentity
	var created int64
	err := row.Scan(&ci.CaseID, &ci.PartnerUserID, &ci.Sealed, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return ci, ErrNotFound
	}
	ci.CreatedAt = time.UnixMicro(created).UTC()
	return ci, err
}

// IdentityRead is one audited request for a user's identity.
type IdentityRead struct {
	PartnerID, PartnerUserID string
	CaseID                   string // the case whose identity was returned, if any
	Outcome                  string // "returned", "forbidden" or "not_found"
	RequestID                string
	At                       time.Time
}

// RecordIdentityRead writes one entry of the identity audit log.
func (t *Tx) RecordIdentityRead(ctx context.Context, r IdentityRead) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO identity_reads (id, partner_id, partner_user_id, case_id, outcome, request_id, read_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, uuid.NewString(), r.PartnerID, r.PartnerUserID, r.CaseID, r.Outcome, r.RequestID, micros(t.now))
	return err
}

// IdentityReads lists the audit log of one user's identity, oldest first.
func (t *Tx) IdentityReads(ctx context.Context, partnerID, userID string) ([]IdentityRead, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT partner_id, partner_user_id, case_id, outcome, request_id, read_at FROM identity_reads
		WHERE partner_id = $1 AND partner_user_id = $2 ORDER BY read_at, id`, partnerID, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []IdentityRead
	for rows.Next() {
		var r IdentityRead
		var at int64
		if err := rows.Scan(&r.PartnerID, &r.PartnerUserID, &r.CaseID, &r.Outcome, &r.RequestID, &at); err != nil {
			return nil, err
		}
		r.At = time.UnixMicro(at).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// PutExpectedIdentity stores what a partner says a user's name and date of birth are
// (sealed), replacing what it said before.
func (t *Tx) PutExpectedIdentity(ctx context.Context, partnerID, userID string, sealed []byte, purgeAfter time.Time) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO expected_identities (partner_id, partner_user_id, sealed, updated_at, purge_after)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (partner_id, partner_user_id)
		DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at, purge_after = excluded.purge_after`,
		partnerID, userID, sealed, micros(t.now), micros(purgeAfter))
	return err
}

// ExpectedIdentity loads the sealed expected identity of a user (nil when the partner
// gave none).
func (t *Tx) ExpectedIdentity(ctx context.Context, partnerID, userID string) ([]byte, error) {
	if !isID(partnerID) {
		return nil, nil
	}
	var sealed []byte
	err := t.q.QueryRowContext(ctx, `SELECT sealed FROM expected_identities WHERE partner_id = $1 AND partner_user_id = $2`,
		partnerID, userID).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return sealed, err
}

// PurgeIdentities deletes identities, document keys and expected identities whose
// retention ended; it reports how many identities went.
func (t *Tx) PurgeIdentities(ctx context.Context) (int64, error) {
	now := micros(t.now)
	if _, err := t.q.ExecContext(ctx, `DELETE FROM document_keys WHERE purge_after < $1`, now); err != nil {
		return 0, err
	}
	if _, err := t.q.ExecContext(ctx, `DELETE FROM expected_identities WHERE purge_after < $1`, now); err != nil {
		return 0, err
	}
	res, err := t.q.ExecContext(ctx, `DELETE FROM case_identities WHERE purge_after < $1`, now)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
