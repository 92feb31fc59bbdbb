package partner

import (
	"context"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	"github.com/rampart-id/rampart/gen/rampart/partner/v1/partnerv1connect"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/store"
)

// handler adapts the Manager to the generated PartnerService: convert, call, convert back.
type handler struct{ m *Manager }

// NewHandler returns the PartnerService implementation. Authentication runs before it
// (auth.Authenticator.Partner in an interceptor).
func NewHandler(m *Manager) partnerv1connect.PartnerServiceHandler { return &handler{m: m} }

func (h *handler) GetKycStatus(ctx context.Context, req *connect.Request[partnerv1.GetKycStatusRequest]) (*connect.Response[partnerv1.GetKycStatusResponse], error) {
	p, err := partnerOf(ctx)
	if err != nil {
		return nil, err
	}
	prof, err := h.m.Status(ctx, p, req.Msg.GetPartnerUserId())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(StatusResponse(prof, p.MaxAttempts)), nil
}

func (h *handler) CreateSession(ctx context.Context, req *connect.Request[partnerv1.CreateSessionRequest]) (*connect.Response[partnerv1.CreateSessionResponse], error) {
	p, err := partnerOf(ctx)
	if err != nil {
		return nil, err
	}
	res, err := h.m.CreateSession(ctx, p, req.Msg, req.Header().Get("Idempotency-Key"))
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(res), nil
}

// StatusResponse renders a profile for partners: verified_at only when verified,
// attempts and reasons only when failed.
func StatusResponse(prof store.Profile, maxAttempts int) *partnerv1.GetKycStatusResponse {
	out := &partnerv1.GetKycStatusResponse{PartnerUserId: prof.PartnerUserID, Status: prof.Status.Proto()}
	if prof.Status == kyc.Verified && !prof.VerifiedAt.IsZero() {
		out.VerifiedAt = timestamppb.New(prof.VerifiedAt.Truncate(time.Second))
	}
	if prof.Status == kyc.Failed {
		left := AttemptsRemaining(prof, maxAttempts)
		out.AttemptsRemaining = &left
		out.FailureReasons = prof.FailureReasons
	}
	if prof.Exists {
		out.UpdatedAt = timestamppb.New(prof.UpdatedAt.Truncate(time.Second))
	}
	return out
}

// AttemptsRemaining is how many more submissions the user may make.
func AttemptsRemaining(prof store.Profile, maxAttempts int) int32 {
	if prof.Final {
		return 0
	}
	return int32(max(0, maxAttempts-prof.AttemptsUsed))
}

func partnerOf(ctx context.Context) (store.Partner, error) {
	p, ok := auth.PartnerFrom(ctx)
	if !ok {
		return p, apierr.New(apierr.Unauthorized, "Missing or invalid bearer token")
	}
	return p, nil
}
