package auth

import "sync"

// InFlight caps how many requests of one kind a key (a widget token) may have open at
// once, and how many all keys together may have. It bounds what a single token holder
// can pin down (open streams, buffered uploads), which a rate limit does not.
type InFlight struct {
	mu     sync.Mutex
	perKey int
	total  int
	n      map[string]int
	all    int
}

// NewInFlight allows perKey requests per key and total in all (0: no total cap).
func NewInFlight(perKey, total int) *InFlight {
	return &InFlight{perKey: perKey, total: total, n: map[string]int{}}
}

// Acquire takes a place for key; release gives it back (call it exactly once).
func (f *InFlight) Acquire(key string) (release func(), ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n[key] >= f.perKey || (f.total > 0 && f.all >= f.total) {
		return nil, false
	}
	f.n[key]++
	f.all++
	var once sync.Once
	return func() {
		once.Do(func() {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.all--
			if f.n[key]--; f.n[key] <= 0 {
				delete(f.n, key)
			}
		})
	}, true
}
