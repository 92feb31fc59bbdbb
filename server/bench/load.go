package main

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// stats summarises one run.
type stats struct {
	Name       string
	N          int
	Errors     int64
	RPS        float64
	P50, P95   time.Duration
	P99        time.Duration
	FirstError string

	lat     []time.Duration // sorted, kept so that interleaved turns can be merged
	elapsed time.Duration
}

// turn is one named closed-loop workload.
type turn struct {
	name string
	fn   func(ctx context.Context, worker, i int) error
}

// interleaved gives each workload d in total, as `rounds` slices taken in turn (A B C,
// A B C, …): the machine is shared, and a change in its load then falls on every
// workload alike instead of on whichever ran at the time.
func interleaved(ctx context.Context, conc int, d time.Duration, rounds int, turns []turn) []stats {
	rounds = max(rounds, 1)
	parts := make([][]stats, len(turns))
	for r := 0; r < rounds; r++ {
		for i, t := range turns {
			parts[i] = append(parts[i], closedLoop(ctx, t.name, conc, d/time.Duration(rounds), t.fn))
		}
	}
	out := make([]stats, len(turns))
	for i, t := range turns {
		var lat []time.Duration
		var errs int64
		var elapsed time.Duration
		var first any
		for _, s := range parts[i] {
			lat = append(lat, s.lat...)
			errs += s.Errors
			elapsed += s.elapsed
			if first == nil && s.FirstError != "" {
				first = s.FirstError
			}
		}
		out[i] = summarize(t.name, lat, errs, elapsed, first)
	}
	return out
}

// closedLoop runs fn from `conc` goroutines for d and collects latencies.
func closedLoop(ctx context.Context, name string, conc int, d time.Duration, fn func(ctx context.Context, worker, i int) error) stats {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	var all []time.Duration
	var errs atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Go(func() {
			lat := make([]time.Duration, 0, 4096)
			for i := 0; ctx.Err() == nil; i++ {
				t0 := time.Now()
				err := fn(context.Background(), w, i)
				if ctx.Err() != nil && err != nil {
					break
				}
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return summarize(name, all, errs.Load(), time.Since(start), firstErr.Load())
}

// openLoop sends `rate` requests per second for d regardless of how fast answers come
// (latency under a fixed load, without coordinated omission).
func openLoop(ctx context.Context, name string, rate int, d time.Duration, fn func(ctx context.Context, i int) error) stats {
	var mu sync.Mutex
	var all []time.Duration
	var errs atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	total := int(d / interval)
	for i := 0; i < total; i++ {
		due := start.Add(time.Duration(i) * interval)
		if w := time.Until(due); w > 0 {
			time.Sleep(w)
		}
		wg.Go(func() {
			err := fn(ctx, i)
			lat := time.Since(due) // from when it should have been sent
			if err != nil {
				errs.Add(1)
				firstErr.CompareAndSwap(nil, err.Error())
				return
			}
			mu.Lock()
			all = append(all, lat)
			mu.Unlock()
		})
	}
	wg.Wait()
	return summarize(name, all, errs.Load(), time.Since(start), firstErr.Load())
}

func summarize(name string, lat []time.Duration, errs int64, elapsed time.Duration, firstErr any) stats {
	slices.Sort(lat)
	s := stats{Name: name, N: len(lat), Errors: errs, RPS: float64(len(lat)) / elapsed.Seconds(), lat: lat, elapsed: elapsed}
	if fe, ok := firstErr.(string); ok {
		s.FirstError = fe
	}
	if len(lat) > 0 {
		s.P50, s.P95, s.P99 = pct(lat, 50), pct(lat, 95), pct(lat, 99)
	}
	return s
}

func pct(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}
