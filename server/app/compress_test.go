package app

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"testing"
)

// A bomb stops inflating just past the limit instead of being inflated to its end.
func TestCappedGzipStopsAtTheLimit(t *testing.T) {
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	if _, err := zw.Write(make([]byte, 64<<20)); err != nil {
		t.Fatal(err)
	}
	_ = zw.Close()
	c := &cappedGzip{max: 1 << 20}
	if err := c.Reset(bytes.NewReader(bomb.Bytes())); err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, c)
	if !errors.Is(err, errInflated) || n > 1<<20+64<<10 {
		t.Fatalf("inflated %d bytes of a 64 MiB bomb with a 1 MiB cap, error %v", n, err)
	}
	// Reset reuses the reader for a small message, which inflates whole.
	var small bytes.Buffer
	zw = gzip.NewWriter(&small)
	_, _ = zw.Write([]byte("hello"))
	_ = zw.Close()
	if err := c.Reset(&small); err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(c); err != nil || string(b) != "hello" {
		t.Fatalf("after Reset: %q %v", b, err)
	}
}
