package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// blocked is a writer that blocks until released, like a pipe nobody reads.
type blocked struct {
	release chan struct{}
	mu      sync.Mutex
	buf     bytes.Buffer
}

func (b *blocked) Write(p []byte) (int, error) {
	<-b.release
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// A stuck log reader never blocks the writer: lines beyond the buffer are dropped,
// counted, and the count is logged once the reader is back; Close writes the rest.
func TestLogSinkNeverBlocksAndCountsDrops(t *testing.T) {
	out := &blocked{release: make(chan struct{})}
	s := newLogSink(out, 20, time.Millisecond) // room for 4 lines
	for i := 0; i < 100; i++ {
		if n, err := io.WriteString(s, "line\n"); n != 5 || err != nil {
			t.Fatalf("write %d: %d %v", i, n, err)
		}
	}
	close(out.release)
	s.Close()
	_, _ = io.WriteString(s, "after close\n") // dropped, no panic
	got := out.buf.String()
	lines := strings.Count(got, "line\n")
	// The buffer's 4, and at most one batch of 4 the writer held when out blocked.
	if lines < 4 || lines > 8 {
		t.Errorf("%d lines written with a buffer of 4 lines", lines)
	}
	if !strings.Contains(got, `"dropped":`) {
		t.Errorf("no dropped-lines notice in %q", got)
	}
	if strings.Contains(got, "after close") {
		t.Error("a line written after Close came out")
	}
}

// Lines come out whole and in order, in batches, without Close (the ticker writes them).
func TestLogSinkWritesInOrderWithinItsInterval(t *testing.T) {
	out := &blocked{release: make(chan struct{})}
	close(out.release)
	s := newLogSink(out, 1<<20, 5*time.Millisecond)
	defer s.Close()
	var want strings.Builder
	for i := range 1000 {
		line := fmt.Sprintf("line %d\n", i)
		want.WriteString(line)
		_, _ = io.WriteString(s, line)
	}
	for range 1000 {
		out.mu.Lock()
		got := out.buf.String()
		out.mu.Unlock()
		if got == want.String() {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	out.mu.Lock()
	defer out.mu.Unlock()
	t.Fatalf("after 5 s the sink had written %d of %d bytes, or out of order", out.buf.Len(), want.Len())
}
