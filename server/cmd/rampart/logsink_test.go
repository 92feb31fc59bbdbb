package main

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
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
	s := newLogSink(out, 4)
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
	if lines < 4 || lines > 6 {
		t.Errorf("%d lines written with a buffer of 4 (+1 in flight)", lines)
	}
	if !strings.Contains(got, `"dropped":`) {
		t.Errorf("no dropped-lines notice in %q", got)
	}
	if strings.Contains(got, "after close") {
		t.Error("a line written after Close came out")
	}
}
