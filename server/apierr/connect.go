package apierr

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"

	"connectrpc.com/connect"
	"google.golang.org/genproto/googleapis/rpc/errdetails"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	"github.com/rampart-id/rampart/server/reqctx"
)

// ErrorDomain is the google.rpc.ErrorInfo domain of Rampart errors.
const ErrorDomain = "rampart"

// Classifier recognises infrastructure errors (e.g. the database being down) that map to
// a specific slug rather than internal_error.
type Classifier func(error) (Code, bool)

// Interceptor converts every error a handler returns into a Connect error with a typed
// ErrorDetail and a google.rpc.ErrorInfo, logging internal causes with the request id.
// It is the only place domain errors become wire errors.
func Interceptor(log *slog.Logger, classify Classifier) connect.Interceptor {
	return &interceptor{log: log, classify: classify}
}

type interceptor struct {
	log      *slog.Logger
	classify Classifier
}

func (i *interceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		res, err := next(ctx, req)
		if err != nil {
			return nil, i.toConnect(ctx, req.Spec().Procedure, err)
		}
		return res, nil
	}
}

func (i *interceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (i *interceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		if err := next(ctx, conn); err != nil {
			return i.toConnect(ctx, conn.Spec().Procedure, err)
		}
		return nil
	}
}

func (i *interceptor) toConnect(ctx context.Context, procedure string, err error) *connect.Error {
	if procedure == "" {
		procedure = reqctx.Procedure(ctx) // a REST call
	}
	var ce *connect.Error
	if errors.As(err, &ce) && !hasDetail(ce) {
		// Raised by connect-go itself (bad framing, unknown fields…): give it our shape.
		e := &Error{Code: CodeFromConnect(ce.Code()), Message: ce.Message()}
		if e.Code == Internal {
			e = Wrap(err)
		}
		err = e
	} else if ce != nil {
		return ce
	}
	e, ok := As(err)
	if ctx.Err() == context.Canceled {
		// The client left; whatever failed after that is not the server's error.
		return ToConnect(&Error{Code: Canceled, Message: "Request cancelled by the client"}, reqctx.RequestID(ctx))
	}
	if !ok {
		switch {
		case errors.Is(err, context.Canceled):
			e = &Error{Code: Unavailable, Message: "Request cancelled", cause: err}
		case errors.Is(err, context.DeadlineExceeded):
			e = &Error{Code: Unavailable, Message: "Request timed out", cause: err}
		default:
			e = Wrap(err)
			if i.classify != nil {
				if code, ok := i.classify(err); ok {
					e = &Error{Code: code, Message: "Service temporarily unavailable, retry shortly", cause: err}
				}
			}
		}
	}
	rid := reqctx.RequestID(ctx)
	if e.cause != nil || e.Code == Internal || e.Code == Unavailable {
		i.log.ErrorContext(ctx, "request failed", "request_id", rid, "procedure", procedure, "error_code", string(e.Code), "error", e.Error())
	}
	return ToConnect(e, rid)
}

// ToConnect renders a domain error as a Connect error with its details.
func ToConnect(e *Error, requestID string) *connect.Error {
	out := connect.NewError(e.Code.ConnectCode(), errors.New(e.Message))
	detail := &kycv1.ErrorDetail{Error: string(e.Code), RequestId: requestID}
	if e.RetryAfter > 0 {
		detail.RetryAfterSeconds = int32((e.RetryAfter.Seconds()) + 0.999)
		// Also as the HTTP header (Connect sends error metadata as headers), for
		// clients and proxies that honour only that.
		out.Meta().Set("Retry-After", strconv.Itoa(int(detail.RetryAfterSeconds)))
	}
	if d, err := connect.NewErrorDetail(detail); err == nil {
		out.AddDetail(d)
	}
	info := &errdetails.ErrorInfo{Reason: strings.ToUpper(string(e.Code)), Domain: ErrorDomain, Metadata: e.Metadata}
	if d, err := connect.NewErrorDetail(info); err == nil {
		out.AddDetail(d)
	}
	if e.Detail != nil {
		if d, err := connect.NewErrorDetail(e.Detail); err == nil {
			out.AddDetail(d)
		}
	}
	return out
}

// FromConnect reads a Connect error produced by ToConnect back into its parts.
func FromConnect(ce *connect.Error) (code Code, detail *kycv1.ErrorDetail, extra []any) {
	code = CodeFromConnect(ce.Code())
	for _, d := range ce.Details() {
		v, err := d.Value()
		if err != nil {
			continue
		}
		switch m := v.(type) {
		case *kycv1.ErrorDetail:
			detail, code = m, Code(m.GetError())
		case *errdetails.ErrorInfo:
		default:
			extra = append(extra, m)
		}
	}
	return code, detail, extra
}

func hasDetail(ce *connect.Error) bool {
	for _, d := range ce.Details() {
		if d.Type() == "rampart.kyc.v1.ErrorDetail" {
			return true
		}
	}
	return false
}
