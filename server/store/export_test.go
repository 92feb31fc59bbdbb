package store

import "context"

// OpenWithMaxConns opens like Open with a pool of at most n connections, for tests that
// exhaust it.
func OpenWithMaxConns(ctx context.Context, rawURL string, n int) (*Store, error) {
	return open(ctx, rawURL, n)
}
