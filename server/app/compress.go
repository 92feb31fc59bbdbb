package app

import (
	"compress/gzip"
	"errors"
	"io"

	"connectrpc.com/connect"
)

// errInflated ends the decompression of a message past its read limit.
var errInflated = errors.New("compressed message inflates past the size limit")

// cappedGzip is gzip decompression that fails once a message inflates past max bytes.
// connect-go enforces its read limit after decompression, but then inflates the rest of
// an oversized message to report its size: a 16 kB body that inflates to 16 MiB (or
// gigabytes) cost that much CPU per request, before any authentication.
type cappedGzip struct {
	gzip.Reader
	max, n int64
}

func (c *cappedGzip) Reset(r io.Reader) error {
	c.n = 0
	return c.Reader.Reset(r)
}

func (c *cappedGzip) Read(p []byte) (int, error) {
	if c.n > c.max {
		return 0, errInflated
	}
	n, err := c.Reader.Read(p)
	c.n += int64(n)
	return n, err
}

// withCappedGzip replaces connect-go's gzip with one whose decompression stops at limit.
func withCappedGzip(limit int) connect.HandlerOption {
	return connect.WithCompression("gzip",
		func() connect.Decompressor { return &cappedGzip{max: int64(limit)} },
		func() connect.Compressor { return gzip.NewWriter(io.Discard) })
}
