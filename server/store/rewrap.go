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
	rows, err := s.db.QueryContext(ctx, `SELECT CAST(case_id AS TEXT), sealed FROM case_identities`)
	if err != nil {
		return 0, err
	}
	type item struct {
		caseID string
		sealed []byte
	}
	var items []item
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.caseID, &it.sealed); err != nil {
			rows.Close()
			return 0, err
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, it := range items {
		key, err := keyOf(it.caseID, it.sealed)
		if err != nil {
			return n, err
		}
		err = s.InTx(ctx, func(tx *Tx) error {
			if _, err := tx.q.ExecContext(ctx, `INSERT INTO document_keys (case_id, doc_key, partner_id, partner_user_id, purge_after)
				SELECT case_id, $2, partner_id, partner_user_id, purge_after FROM case_identities WHERE case_id = $1
				ON CONFLICT (case_id, doc_key) DO NOTHING`, it.caseID, key); err != nil {
				return err
			}
			_, err := tx.q.ExecContext(ctx, `DELETE FROM document_keys WHERE case_id = $1 AND doc_key <> $2`, it.caseID, key)
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
		rows, err := s.db.QueryContext(ctx, `SELECT CAST(`+c.key+` AS TEXT), `+c.col+` FROM `+c.table+` WHERE `+c.col+` IS NOT NULL`)
		if err != nil {
			return n, err
		}
		type item struct {
			key string
			env []byte
		}
		var items []item
		for rows.Next() {
			var it item
			if err := rows.Scan(&it.key, &it.env); err != nil {
				rows.Close()
				return n, err
			}
			items = append(items, it)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
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
			if _, err := s.db.ExecContext(ctx, `UPDATE `+c.table+` SET `+c.col+` = $1 WHERE CAST(`+c.key+` AS TEXT) = $2 AND `+c.col+` = $3`,
				out, it.key, it.env); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
