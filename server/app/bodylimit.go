package app

import (
	"net/http"

	"connectrpc.com/connect"

	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/reqctx"
)

// limitBody bounds the request bodies of the Connect/gRPC routes. connect-go alone reads
// a too-large unary body up to its limit and then drains the rest to reuse the
// connection, so a 100 MB upload was read to its last byte. Here a declared
// Content-Length over the limit is refused before any of the body is read, and any other
// body (chunked, HTTP/2) stops at the limit; either way the server closes the connection
// instead of draining it.
func limitBody(next http.Handler, limit int64) http.Handler {
	errs := connect.NewErrorWriter()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			e := apierr.New(apierr.PayloadTooLarge, "Request body is larger than %d bytes", limit)
			_ = errs.Write(w, r, apierr.ToConnect(e, reqctx.RequestID(r.Context())))
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}
