// Package dbscan reads every column of every row of a store's database and reports
// where given data occurs: tests use it to show that redacted data is gone everywhere,
// including tables added after the test was written.
package dbscan

import (
	"bytes"
	"context"
	"fmt"

	"github.com/rampart-id/rampart/server/store"
)

// Window is the length of the pieces of a blob that Find looks for.
const Window = 64

// Hit is one cell holding a needle.
type Hit struct {
	Table, Column string
	Needle        string // its name
}

func (h Hit) String() string { return h.Table + "." + h.Column + " holds " + h.Needle }

// Needles are what to look for: Text values anywhere in a cell (case-insensitive), and
// any Window-byte piece of each of Blobs.
type Needles struct {
	Text  map[string]string // name → value
	Blobs map[string][]byte // name → bytes
}

// Cell is one value of the database.
type Cell struct {
	Table, Column string
	Value         []byte
}

// Cells reads every table the catalog lists, every row and column, as bytes.
func Cells(ctx context.Context, st *store.Store) ([]Cell, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if st.Dialect() == store.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := st.DB().QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 10 {
		return nil, fmt.Errorf("dbscan: only %d tables listed", len(tables))
	}
	var out []Cell
	for _, tab := range tables {
		rows, err := st.DB().QueryContext(ctx, `SELECT * FROM "`+tab+`"`)
		if err != nil {
			return nil, err
		}
		cols, err := rows.Columns()
		if err != nil {
			rows.Close()
			return nil, err
		}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			for i, v := range vals {
				var b []byte
				switch v := v.(type) {
				case nil:
					continue
				case []byte:
					b = bytes.Clone(v)
				case string:
					b = []byte(v)
				default:
					b = []byte(fmt.Sprint(v))
				}
				out = append(out, Cell{Table: tab, Column: cols[i], Value: b})
			}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Find returns every cell that holds a needle.
func Find(ctx context.Context, st *store.Store, n Needles) ([]Hit, error) {
	cells, err := Cells(ctx, st)
	if err != nil {
		return nil, err
	}
	return Match(cells, n), nil
}

// Match is Find over cells already read.
func Match(cells []Cell, n Needles) []Hit {
	var hits []Hit
	// Every Window-byte piece of every cell, by rolling hash; the blobs are rolled over it.
	idx := map[uint64][]int{}
	for ci, c := range cells {
		for name, v := range n.Text {
			if v != "" && bytes.Contains(bytes.ToLower(c.Value), bytes.ToLower([]byte(v))) {
				hits = append(hits, Hit{c.Table, c.Column, name})
			}
		}
		roll(c.Value, func(_ int, h uint64) { idx[h] = appendOnce(idx[h], ci) })
	}
	for name, blob := range n.Blobs {
		found := map[int]bool{}
		roll(blob, func(off int, h uint64) {
			for _, ci := range idx[h] {
				if !found[ci] && bytes.Contains(cells[ci].Value, blob[off:off+Window]) {
					found[ci] = true
					hits = append(hits, Hit{cells[ci].Table, cells[ci].Column, name})
				}
			}
		})
	}
	return hits
}

func appendOnce(s []int, v int) []int {
	if len(s) > 0 && s[len(s)-1] == v {
		return s
	}
	return append(s, v)
}

const base = 1099511628211

// roll calls fn with the offset and hash of every Window-byte piece of b.
func roll(b []byte, fn func(off int, h uint64)) {
	if len(b) < Window {
		return
	}
	var h, pow uint64 = 0, 1
	for i := 0; i < Window; i++ {
		h = h*base + uint64(b[i])
		if i > 0 {
			pow *= base
		}
	}
	fn(0, h)
	for i := Window; i < len(b); i++ {
		h = (h-uint64(b[i-Window])*pow)*base + uint64(b[i])
		fn(i-Window+1, h)
	}
}
