package imageintake

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

// slots is the per-process decode semaphore: a channel with one buffered
// element per running decode. It is swapped whole by SetMaxConcurrentDecodes;
// a holder releases into the channel it took from.
var slots atomic.Pointer[chan struct{}]

func init() { SetMaxConcurrentDecodes(DefaultMaxConcurrentDecodes()) }

// DefaultMaxConcurrentDecodes is one decode per CPU but one (decoding is
// CPU-bound, so more would not finish sooner, and a core stays free to answer
// everyone else: under a flood of uploads on two cores the partner API's median
// latency fell from ~30 ms to ~2 ms with one slot instead of two), at least 1
// and at most 8 so that the memory bound (slots x MaxDecodeBytes) stays near
// 1 GiB even on a large machine.
func DefaultMaxConcurrentDecodes() int {
	return min(max(runtime.GOMAXPROCS(0)-1, 1), 8)
}

// SetMaxConcurrentDecodes sets how many images the process decodes (and holds
// for WithDecoded callers) at once; n < 1 means 1. Decodes already running
// keep their slots.
func SetMaxConcurrentDecodes(n int) {
	ch := make(chan struct{}, max(n, 1))
	slots.Store(&ch)
}

// MaxConcurrentDecodes reports the current slot count.
func MaxConcurrentDecodes() int { return cap(*slots.Load()) }

// acquire takes a decode slot, waiting up to wait (WaitForSlot: as long as
// ctx allows). It fails with ErrBusy when the wait runs out and with ctx's
// error when ctx ends first.
func acquire(ctx context.Context, wait time.Duration) (release func(), err error) {
	ch := *slots.Load()
	release = func() { <-ch }
	select {
	case ch <- struct{}{}:
		return release, nil
	default:
	}
	var timeout <-chan time.Time
	if wait >= 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case ch <- struct{}{}:
		return release, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-timeout:
		return nil, fmt.Errorf("%w: all %d decode slots stayed taken for %v", ErrBusy, cap(ch), wait)
	}
}
