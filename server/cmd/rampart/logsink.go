package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"
)

// logSink gathers log lines in memory and writes them to out in batches from one
// goroutine, so a request never waits for the log and a busy server makes one write
// per batch instead of one per line (the access log is a line per request). Go sends a
// response only when its handler returns, and the access log is written at the end of
// the handler: when stderr's reader is slow (a pipe or a container's log driver under a
// flood of requests), a direct write would block every request behind it. Lines that
// find the buffer full are dropped and counted, and the count is logged with the next
// batch. Lines reach out within `every`, or sooner once half the buffer is used.
type logSink struct {
	out     io.Writer
	limit   int // bytes held before lines are dropped
	every   time.Duration
	mu      sync.Mutex // guards buf, dropped, closed
	buf     []byte
	dropped int64
	closed  bool
	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}
}

func newLogSink(out io.Writer, limit int, every time.Duration) *logSink {
	s := &logSink{out: out, limit: limit, every: every, kick: make(chan struct{}, 1), stop: make(chan struct{}),
		done: make(chan struct{})}
	go s.run()
	return s
}

// Write keeps p (one whole line: slog's handlers write a record in one call).
func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
	case len(s.buf)+len(p) > s.limit:
		s.dropped++
	default:
		s.buf = append(s.buf, p...)
		if len(s.buf) >= s.limit/2 {
			select {
			case s.kick <- struct{}{}:
			default:
			}
		}
	}
	return len(p), nil
}

func (s *logSink) run() {
	defer close(s.done)
	tick := time.NewTicker(s.every)
	defer tick.Stop()
	var spare []byte
	for {
		select {
		case <-tick.C:
		case <-s.kick:
		case <-s.stop:
			s.flush(spare)
			return
		}
		spare = s.flush(spare)
	}
}

// flush writes what is buffered, swapping in spare so writers never wait for out, and
// returns the written buffer for reuse.
func (s *logSink) flush(spare []byte) []byte {
	s.mu.Lock()
	batch, dropped := s.buf, s.dropped
	s.buf, s.dropped = spare[:0], 0
	s.mu.Unlock()
	if len(batch) > 0 {
		_, _ = s.out.Write(batch)
	}
	if dropped > 0 {
		fmt.Fprintf(s.out, `{"time":%q,"level":"WARN","msg":"log lines dropped: the log was not read fast enough","dropped":%d}`+"\n",
			time.Now().UTC().Format(time.RFC3339Nano), dropped)
	}
	return batch
}

// Close writes what is buffered and stops the sink; later writes are dropped.
func (s *logSink) Close() {
	s.mu.Lock()
	already := s.closed
	s.closed = true
	s.mu.Unlock()
	if !already {
		close(s.stop)
	}
	<-s.done
}

// newServeLogger is the server's logger, writing through a logSink to stderr, and the
// sink; close the sink before the process exits.
func newServeLogger() (*slog.Logger, *logSink) {
	sink := newLogSink(os.Stderr, 4<<20, 50*time.Millisecond)
	return slog.New(slog.NewJSONHandler(sink, &slog.HandlerOptions{Level: slog.LevelInfo})), sink
}
