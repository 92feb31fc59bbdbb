// Package rpc is the widget's client for rampart.widget.v1.WidgetService. It speaks the
// Connect protocol (binary protobuf) with the generated message types and procedure
// names taken from the generated descriptors, over a small Transport: the browser's fetch
// in WebAssembly (no net/http, which would double the widget's size), net/http natively
// so widget logic can be tested against a real server.
package rpc

import (
	"context"
	"fmt"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
)

// API is what the widget needs from the server.
type API interface {
	StartSession(ctx context.Context, req *widgetv1.StartSessionRequest) (*widgetv1.StartSessionResponse, error)
	GetStatus(ctx context.Context, req *widgetv1.GetStatusRequest) (*widgetv1.GetStatusResponse, error)
	// WatchStatus calls fn with the current state, then with every change, until ctx ends
	// or the stream breaks (then it returns the error; callers fall back to GetStatus polling).
	WatchStatus(ctx context.Context, fn func(*widgetv1.KycState)) error
	RecordConsent(ctx context.Context, req *widgetv1.RecordConsentRequest) (*widgetv1.RecordConsentResponse, error)
	UploadDocument(ctx context.Context, req *widgetv1.UploadDocumentRequest) (*widgetv1.UploadDocumentResponse, error)
	StartLiveness(ctx context.Context, req *widgetv1.StartLivenessRequest) (*widgetv1.StartLivenessResponse, error)
	SubmitLiveness(ctx context.Context, req *widgetv1.SubmitLivenessRequest) (*widgetv1.SubmitLivenessResponse, error)
	SubmitCase(ctx context.Context, req *widgetv1.SubmitCaseRequest) (*widgetv1.SubmitCaseResponse, error)
	CreateHandoff(ctx context.Context, req *widgetv1.CreateHandoffRequest) (*widgetv1.CreateHandoffResponse, error)
	// RedeemHandoff is StartSession's counterpart on the phone a handoff link opened.
	RedeemHandoff(ctx context.Context, req *widgetv1.RedeemHandoffRequest) (*widgetv1.RedeemHandoffResponse, error)
	// SetToken sets the widget token sent with every call after StartSession.
	SetToken(token string)
}

// Error is a failed call: the Connect code, Rampart's stable slug (e.g.
// session_already_used), the server's user-safe message and the id of the request, which
// the user can quote to support.
type Error struct {
	Code    string // Connect code, e.g. "failed_precondition"; "unavailable" for network errors
	Slug    string // Rampart error slug from the ErrorDetail, "" when absent
	Message string
	// RequestID is the X-Request-Id the server answered with; "" when it never answered.
	RequestID string
}

func (e *Error) Error() string { return fmt.Sprintf("%s (%s): %s", e.Slug, e.Code, e.Message) }
