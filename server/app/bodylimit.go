package app

import (
	"net/http"

	"connectrpc.com/connect"

	"github.com/rampart-id/rampart/gen/rampart/widget/v1/widgetv1connect"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/reqctx"
)

// smallBodyLimit bounds every Connect/gRPC request except image uploads: partner, review
// and widget messages without images are a few KiB.
const smallBodyLimit = 1 << 20

// largeBodies are the procedures that carry images.
var largeBodies = map[string]bool{
	widgetv1connect.WidgetServiceUploadDocumentProcedure: true,
	widgetv1connect.WidgetServiceSubmitLivenessProcedure: true,
}

// limitBody bounds the request bodies of the Connect/gRPC routes. connect-go alone reads
// a too-large unary body up to its limit and then drains the rest to reuse the
// connection, so a 100 MB upload was read to its last byte. Here a declared
// Content-Length over the limit is refused before any of the body is read, and any other
// body (chunked, HTTP/2) stops at the limit; either way the server closes the connection
// instead of draining it. Only the image procedures get the large limit: connect-go
// buffers a whole unary message before authentication runs, so a large limit everywhere
// would let anyone without a token make the server buffer megabytes per request.
func limitBody(next http.Handler, large int64) http.Handler {
	errs := connect.NewErrorWriter()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(smallBodyLimit)
		if largeBodies[r.URL.Path] {
			limit = large
		}
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
