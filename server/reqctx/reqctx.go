// Package reqctx carries per-request facts (request id, the caller's HTTP origin and
// address) from the HTTP layer to handlers, whatever protocol the request came in on.
package reqctx

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"net/http"
)

type key int

const (
	requestIDKey key = iota
	httpKey
	procedureKey
)

// HTTP is what the outer HTTP layer saw of the request.
type HTTP struct {
	Origin     string
	RemoteAddr string
	ClientIP   string      // the client's address: RemoteAddr, or the forwarded one behind a trusted proxy
	Header     http.Header // the original headers (REST calls pass some on to the handler)
}

// WithRequestID stores the request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestID returns the request id, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// WithHTTP stores the original request's facts.
func WithHTTP(ctx context.Context, h *HTTP) context.Context {
	return context.WithValue(ctx, httpKey, h)
}

// HTTPInfo returns the original request's facts, or nil.
func HTTPInfo(ctx context.Context) *HTTP {
	h, _ := ctx.Value(httpKey).(*HTTP)
	return h
}

var enc = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewID returns a random request id like "req_3k9…".
func NewID() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	return "req_" + enc.EncodeToString(b)
}

// WithProcedure names the RPC a REST call runs (a Connect request carries it in its Spec).
func WithProcedure(ctx context.Context, procedure string) context.Context {
	return context.WithValue(ctx, procedureKey, procedure)
}

// Procedure returns the procedure stored by WithProcedure, or "".
func Procedure(ctx context.Context) string {
	p, _ := ctx.Value(procedureKey).(string)
	return p
}
