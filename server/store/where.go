package store

import (
	"strconv"
	"strings"
)

// where builds a WHERE clause from optional filters with numbered placeholders ($1, $2…),
// which both dialects take.
type where struct {
	conds []string
	args  []any
}

// arg appends v and returns its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

// add appends cond, whose one "?" stands for v.
func (w *where) add(cond string, v any) {
	w.conds = append(w.conds, strings.Replace(cond, "?", w.arg(v), 1))
}

// after appends a keyset cursor on (col, id): rows strictly after (at, id) in the order
// the query sorts by, op being ">" (ascending) or "<" (descending).
func (w *where) after(col, op string, at any, id string) {
	a, i := w.arg(at), w.arg(id)
	w.conds = append(w.conds, "("+col+" "+op+" "+a+" OR ("+col+" = "+a+" AND id "+op+" "+i+"))")
}

// sql is " WHERE c1 AND c2…", or "" without conditions.
func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}
