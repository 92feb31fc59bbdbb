package store

import "github.com/google/uuid"

// CanonicalID returns id as the store writes row ids (a UUID, lower-case, hyphenated)
// and whether it is one. Callers check ids that arrive from outside with it, so that a
// malformed id is a clear "invalid" answer on every database.
func CanonicalID(id string) (string, bool) {
	if len(id) != 36 {
		return "", false
	}
	u, err := uuid.Parse(id)
	if err != nil {
		return "", false
	}
	return u.String(), true
}

// isID reports whether id can be a stored row id. Lookups by any other string find
// nothing without asking the database: PostgreSQL would reject the query outright
// (a 500) where SQLite finds no row, and both must answer the same.
func isID(id string) bool {
	c, ok := CanonicalID(id)
	return ok && c == id
}
