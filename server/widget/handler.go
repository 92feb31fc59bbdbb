package widget

import (
	"context"

	"connectrpc.com/connect"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/gen/rampart/widget/v1/widgetv1connect"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/auth"
)

type handler struct {
	widgetv1connect.UnimplementedWidgetServiceHandler
	m *Manager
}

// NewHandler returns the WidgetService implementation.
func NewHandler(m *Manager) widgetv1connect.WidgetServiceHandler { return &handler{m: m} }

func (h *handler) StartSession(ctx context.Context, req *connect.Request[widgetv1.StartSessionRequest]) (*connect.Response[widgetv1.StartSessionResponse], error) {
	res, err := h.m.StartSession(ctx, req.Msg.GetInitToken())
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
