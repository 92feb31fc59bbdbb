package partner

import (
	"context"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	"github.com/rampart-id/rampart/server/audit"
	"github.com/rampart-id/rampart/server/redact"
	"github.com/rampart-id/rampart/server/reqctx"
)

func (h *handler) RedactUser(ctx context.Context, req *connect.Request[partnerv1.RedactUserRequest]) (*connect.Response[partnerv1.RedactUserResponse], error) {
	p, err := partnerOf(ctx)
	if err != nil {
		return nil, err
	}
	userID := req.Msg.GetPartnerUserId()
	// The partner id comes from the token, so a partner can only name its own users.
	at, err := redact.New(h.m.store).Redact(ctx, audit.Partner(p.ID, clientAddress(ctx)), p.ID, userID)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&partnerv1.RedactUserResponse{PartnerUserId: userID, RedactedAt: timestamppb.New(at)}), nil
}

func clientAddress(ctx context.Context) string {
	if h := reqctx.HTTPInfo(ctx); h != nil {
		return h.ClientIP
	}
	return ""
}
