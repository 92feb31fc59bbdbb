package widget

import (
	"context"
	"time"

	"connectrpc.com/connect"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/gen/rampart/widget/v1/widgetv1connect"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/auth"
)

type handler struct {
	widgetv1connect.UnimplementedWidgetServiceHandler
	m       *Manager
	streams *auth.InFlight
}

// NewHandler returns the WidgetService implementation; streams caps the WatchStatus
// streams open per widget token and in all (each polls the database while open).
func NewHandler(m *Manager, streams *auth.InFlight) widgetv1connect.WidgetServiceHandler {
	return &handler{m: m, streams: streams}
}

func (h *handler) StartSession(ctx context.Context, req *connect.Request[widgetv1.StartSessionRequest]) (*connect.Response[widgetv1.StartSessionResponse], error) {
	res, err := h.m.StartSession(ctx, req.Msg.GetInitToken(), req.Msg.GetWidgetId())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(res), nil
}

func (h *handler) GetStatus(ctx context.Context, _ *connect.Request[widgetv1.GetStatusRequest]) (*connect.Response[widgetv1.GetStatusResponse], error) {
	w, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	st, err := h.m.Status(ctx, w)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&widgetv1.GetStatusResponse{State: st}), nil
}

func principal(ctx context.Context) (auth.WidgetPrincipal, error) {
	w, ok := auth.WidgetFrom(ctx)
	if !ok {
		return w, apierr.New(apierr.Unauthorized, "Missing or invalid widget token")
	}
	return w, nil
}

func (h *handler) UploadDocument(ctx context.Context, req *connect.Request[widgetv1.UploadDocumentRequest]) (*connect.Response[widgetv1.UploadDocumentResponse], error) {
	w, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	res, err := h.m.UploadDocument(ctx, w, req.Msg)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(res), nil
}

func (h *handler) RecordConsent(ctx context.Context, req *connect.Request[widgetv1.RecordConsentRequest]) (*connect.Response[widgetv1.RecordConsentResponse], error) {
	w, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	res, err := h.m.RecordConsent(ctx, w, req.Msg.GetLanguage())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(res), nil
}

func (h *handler) StartLiveness(ctx context.Context, _ *connect.Request[widgetv1.StartLivenessRequest]) (*connect.Response[widgetv1.StartLivenessResponse], error) {
	w, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	res, err := h.m.StartLiveness(ctx, w)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(res), nil
}

func (h *handler) SubmitLiveness(ctx context.Context, req *connect.Request[widgetv1.SubmitLivenessRequest]) (*connect.Response[widgetv1.SubmitLivenessResponse], error) {
	w, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	res, err := h.m.SubmitLiveness(ctx, w, req.Msg)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(res), nil
}

func (h *handler) SubmitCase(ctx context.Context, _ *connect.Request[widgetv1.SubmitCaseRequest]) (*connect.Response[widgetv1.SubmitCaseResponse], error) {
	w, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	st, err := h.m.SubmitCase(ctx, w)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&widgetv1.SubmitCaseResponse{State: st}), nil
}

// WatchStatus sends the current state, then each change, until the client leaves or the
// widget token expires. It polls the profile row (cheap: a primary-key read), which also
// sees decisions made by other server instances; a keepalive repeats the state.
func (h *handler) WatchStatus(ctx context.Context, _ *connect.Request[widgetv1.WatchStatusRequest], stream *connect.ServerStream[widgetv1.WatchStatusResponse]) error {
	w, err := principal(ctx)
	if err != nil {
		return err
	}
	release, ok := h.streams.Acquire(w.Token.SessionID)
	if !ok {
		// The widget falls back to polling GetStatus when its stream is refused.
		return &apierr.Error{Code: apierr.RateLimitExceeded, Message: "Too many open status streams; poll GetStatus instead", RetryAfter: 5 * time.Second}
	}
	defer release()
	ctx, cancel := context.WithDeadline(ctx, w.Token.ExpiresAt)
	defer cancel()
	lastSeq, lastSent := int64(-1), time.Time{}
	tick := time.NewTicker(WatchPollInterval)
	defer tick.Stop()
	for {
		prof, err := h.m.store.Read().Profile(ctx, w.Token.PartnerID, w.Token.PartnerUserID)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if prof.Seq != lastSeq || time.Since(lastSent) > 15*time.Second {
			if err := stream.Send(&widgetv1.WatchStatusResponse{State: State(prof, w.Partner.MaxAttempts)}); err != nil {
				return nil // the client went away
			}
			lastSeq, lastSent = prof.Seq, time.Now()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// WatchPollInterval bounds how late the widget learns of a decision.
const WatchPollInterval = 250 * time.Millisecond

func (h *handler) CreateHandoff(ctx context.Context, _ *connect.Request[widgetv1.CreateHandoffRequest]) (*connect.Response[widgetv1.CreateHandoffResponse], error) {
	w, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	res, err := h.m.CreateHandoff(ctx, w)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(res), nil
}

func (h *handler) RedeemHandoff(ctx context.Context, req *connect.Request[widgetv1.RedeemHandoffRequest]) (*connect.Response[widgetv1.RedeemHandoffResponse], error) {
	res, err := h.m.RedeemHandoff(ctx, req.Msg.GetCode(), req.Msg.GetWidgetId())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(res), nil
}
