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
