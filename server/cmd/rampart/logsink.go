package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// logSink writes log lines to out from one goroutine, so a request never waits for the
// log: Go sends a response only when its handler returns, and the access log is written
// at the end of the handler. When stderr's reader is slow (a pipe or a container's log
// driver under a flood of requests) a direct write blocks every request that finishes
// behind it. Lines that find the buffer full are dropped and counted; the count is
// logged once the sink catches up.
type logSink struct {
	out     io.Writer
	lines   chan []byte
	dropped atomic.Int64
	done    chan struct{}
	mu      sync.RWMutex // Close excludes Write, so no line is sent on a closed channel
	closed  bool
}

func newLogSink(out io.Writer, buffered int) *logSink {
	s := &logSink{out: out, lines: make(chan []byte, buffered), done: make(chan struct{})}
	go s.run()
	return s
}

func (s *logSink) Write(p []byte) (int, error) {
	line := append([]byte(nil), p...) // the handler reuses p
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return len(p), nil
	}
	select {
	case s.lines <- line:
	default:
		s.dropped.Add(1)
	}
	return len(p), nil
}

func (s *logSink) run() {
	defer close(s.done)
	for line := range s.lines {
		_, _ = s.out.Write(line)
		if len(s.lines) == 0 {
			if n := s.dropped.Swap(0); n > 0 {
				fmt.Fprintf(s.out, `{"time":%q,"level":"WARN","msg":"log lines dropped: the log was not read fast enough","dropped":%d}`+"\n",
					time.Now().UTC().Format(time.RFC3339Nano), n)
			}
		}
	}
}

// Close writes what is buffered and stops the sink; later writes are dropped.
func (s *logSink) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.lines)
	}
	s.mu.Unlock()
	<-s.done
}

// newServeLogger is the server's logger, writing through a logSink to stderr; call
// the returned function before the process exits.
func newServeLogger() (*slog.Logger, func()) {
	sink := newLogSink(os.Stderr, 8192)
	return slog.New(slog.NewJSONHandler(sink, &slog.HandlerOptions{Level: slog.LevelInfo})), sink.Close
}
