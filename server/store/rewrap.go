package store

import (
	"context"
)

// sealedColumns lists every column that holds an envelope sealed by the master key, with
// the primary key that addresses its row.
var sealedColumns = []struct{ table, col, key string }{
	{"case_images", "sealed", "id"},
	{"partners", "webhook_secret", "id"},
	{"partners", "webhook_secret_old", "id"},
	{"idempotency_keys", "response", "CAST(partner_id AS TEXT) || ':' || idem_key"},
	{"face_templates", "sealed", "case_id"},
	{"case_identities", "sealed", "case_id"},
	{"expected_identities", "sealed", "CAST(partner_id AS TEXT) || ':' || partner_user_id"},
}

// RekeyDocuments recomputes the duplicate-document index under the current index key:
// for every stored identity, keyOf (which opens it) gives its key, which replaces the
// case's other keys. After it, a retired master key's index key is no longer needed.
func (s *Store) RekeyDocuments(ctx context.Context, keyOf func(caseID string, sealed []byte) ([]byte, error)) (int, error) {
	items, err := s.sealedRows(ctx, `SELECT CAST(case_id AS TEXT), sealed FROM case_identities`)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, it := range items {
		key, err := keyOf(it.key, it.env)
		if err != nil {
			return n, err
		}
		err = s.InTx(ctx, func(tx *Tx) error {
			if _, err := tx.q.ExecContext(ctx, `INSERT INTO document_keys (case_id, doc_key, partner_id, partner_user_id, purge_after)
				SELECT case_id, $2, partner_id, partner_user_id, purge_after FROM case_identities WHERE case_id = $1
				ON CONFLICT (case_id, doc_key) DO NOTHING`, it.key, key); err != nil {
				return err
			}
			_, err := tx.q.ExecContext(ctx, `DELETE FROM document_keys WHERE case_id = $1 AND doc_key <> $2`, it.key, key)
			return err
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// RewrapAll passes every sealed envelope through rewrap (which re-wraps its data key
// under the current master key, or returns nil to leave it) and stores the result. Each
// row is its own small transaction, so a rotation can be interrupted and run again.
func (s *Store) RewrapAll(ctx context.Context, rewrap func([]byte) ([]byte, error)) (int, error) {
	n := 0
	for _, c := range sealedColumns {
		items, err := s.sealedRows(ctx, `SELECT CAST(`+c.key+` AS TEXT), `+c.col+` FROM `+c.table+` WHERE `+c.col+` IS NOT NULL`)
		if err != nil {
			return n, err
		}
		for _, it := range items {
			out, err := rewrap(it.env)
			if err != nil {
				return n, err
			}
			if out == nil {
				continue
			}
			// Conditional on the old bytes: a row changed meanwhile is left for the next run.
			if _, err := s.q.ExecContext(ctx, `UPDATE `+c.table+` SET `+c.col+` = $1 WHERE CAST(`+c.key+` AS TEXT) = $2 AND `+c.col+` = $3`,
				out, it.key, it.env); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// sealedRow is one sealed blob and the key that addresses its row.
type sealedRow struct {
	key string
	env []byte
}

// sealedRows reads a (key, blob) query to the end before any row is changed, so the
// updates that follow never run against an open result set.
func (s *Store) sealedRows(ctx context.Context, query string) ([]sealedRow, error) {
	rows, err := s.q.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sealedRow
	for rows.Next() {
		var r sealedRow
		if err := rows.Scan(&r.key, &r.env); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
