// Package apierr holds Rampart's domain errors: a stable slug per kind of failure, a
// message that is safe to show a client, and the mapping to HTTP statuses and Connect
// codes. Internal causes are kept for the log and never sent to a client.
package apierr

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"
)

// Code is the stable slug of an error; REST bodies carry it as "error".
type Code string

// Error slugs of the partner docs, plus session_expired, case_not_open,
// challenge_expired and method_not_allowed.
const (
	InvalidRequest      Code = "invalid_request"
	Unauthorized        Code = "unauthorized"
	ForbiddenOrigin     Code = "forbidden_origin"
	Forbidden           Code = "forbidden" // the partner may not use this endpoint
	NotFound            Code = "not_found"
	MethodNotAllowed    Code = "method_not_allowed" // REST: a known path, another method (with Allow)
	SessionAlreadyUsed  Code = "session_already_used"
	SessionExpired      Code = "session_expired"
	CaseNotOpen         Code = "case_not_open"
	ChallengeExpired    Code = "challenge_expired"
	ConsentRequired     Code = "consent_required" // widget: capture before the user agreed
	IdempotencyConflict Code = "idempotency_conflict"
	PayloadTooLarge     Code = "payload_too_large"
	KycRequired         Code = "kyc_required"
	RateLimitExceeded   Code = "rate_limit_exceeded"
	Internal            Code = "internal_error"
	Unavailable         Code = "unavailable"
	// Canceled is a request the client gave up on: not a server error. Nobody reads the
	// answer; the slug is for logs and metrics (HTTP 499, as in nginx and Connect).
	Canceled Code = "cancelled"
)

type mapping struct {
	status  int
	connect connect.Code
}

var codes = map[Code]mapping{
	InvalidRequest:      {http.StatusBadRequest, connect.CodeInvalidArgument},
	Unauthorized:        {http.StatusUnauthorized, connect.CodeUnauthenticated},
	ForbiddenOrigin:     {http.StatusForbidden, connect.CodePermissionDenied},
	Forbidden:           {http.StatusForbidden, connect.CodePermissionDenied},
	NotFound:            {http.StatusNotFound, connect.CodeNotFound},
	MethodNotAllowed:    {http.StatusMethodNotAllowed, connect.CodeUnimplemented},
	SessionAlreadyUsed:  {http.StatusConflict, connect.CodeAlreadyExists},
	SessionExpired:      {http.StatusGone, connect.CodeFailedPrecondition},
	CaseNotOpen:         {http.StatusConflict, connect.CodeFailedPrecondition},
	ChallengeExpired:    {http.StatusGone, connect.CodeFailedPrecondition},
	ConsentRequired:     {http.StatusConflict, connect.CodeFailedPrecondition},
	IdempotencyConflict: {http.StatusConflict, connect.CodeAborted},
	PayloadTooLarge:     {http.StatusRequestEntityTooLarge, connect.CodeResourceExhausted},
	KycRequired:         {http.StatusUnprocessableEntity, connect.CodeFailedPrecondition},
	RateLimitExceeded:   {http.StatusTooManyRequests, connect.CodeResourceExhausted},
	Internal:            {http.StatusInternalServerError, connect.CodeInternal},
	Unavailable:         {http.StatusServiceUnavailable, connect.CodeUnavailable},
	Canceled:            {StatusClientClosed, connect.CodeCanceled},
}

// StatusClientClosed is the HTTP status recorded for requests the client abandoned.
const StatusClientClosed = 499

// HTTPStatus is the REST status of a slug.
func (c Code) HTTPStatus() int {
	if m, ok := codes[c]; ok {
		return m.status
	}
	return http.StatusInternalServerError
}

// ConnectCode is the Connect/gRPC code of a slug.
func (c Code) ConnectCode() connect.Code {
	if m, ok := codes[c]; ok {
		return m.connect
	}
	return connect.CodeInternal
}

// CodeFromConnect picks the slug for a Connect code that carries no Rampart detail (e.g.
// errors raised by connect-go itself before a handler ran).
func CodeFromConnect(c connect.Code) Code {
	switch c {
	case connect.CodeInvalidArgument, connect.CodeOutOfRange:
		return InvalidRequest
	case connect.CodeUnauthenticated:
		return Unauthorized
	case connect.CodePermissionDenied:
		return ForbiddenOrigin
	case connect.CodeNotFound, connect.CodeUnimplemented:
		return NotFound
	case connect.CodeResourceExhausted:
		return PayloadTooLarge
	case connect.CodeUnavailable:
		return Unavailable
	case connect.CodeCanceled:
		return Canceled
	}
	return Internal
}

// Error is a domain error.
type Error struct {
	Code       Code
	Message    string        // safe to show to any client
	RetryAfter time.Duration // rate_limit_exceeded
	Metadata   map[string]string
	Detail     proto.Message // typed detail, e.g. KycRequired
	cause      error         // internal; logged, never sent
}

func (e *Error) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.cause)
	}
	return string(e.Code) + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.cause }

// New makes an error with a client-safe message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid is a 400 naming the offending field.
func Invalid(field, reason string) *Error {
	return &Error{Code: InvalidRequest, Message: field + " " + reason, Metadata: map[string]string{"field": field}}
}

// Wrap turns an unexpected error into internal_error; the cause is only logged.
func Wrap(cause error) *Error {
	var e *Error
	if errors.As(cause, &e) {
		return e
	}
	return &Error{Code: Internal, Message: "Internal error", cause: cause}
}

// WithCause attaches an internal cause to a domain error (for the log).
func (e *Error) WithCause(err error) *Error { e.cause = err; return e }

// As extracts a domain error, if err is or wraps one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
