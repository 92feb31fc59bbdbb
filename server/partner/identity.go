package partner

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/rampart-id/rampart/document"
	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/audit"
	"github.com/rampart-id/rampart/server/reqctx"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/verify"
)

// Audit outcomes of identity reads.
const (
	ReadReturned  = "returned"
	ReadForbidden = "forbidden"
	ReadNotFound  = "not_found"
)

func (h *handler) GetIdentity(ctx context.Context, req *connect.Request[partnerv1.GetIdentityRequest]) (*connect.Response[partnerv1.GetIdentityResponse], error) {
	p, err := partnerOf(ctx)
	if err != nil {
		return nil, err
	}
	res, err := h.m.Identity(ctx, p, req.Msg.GetPartnerUserId())
	if err != nil {
		return nil, err
	}
	out := connect.NewResponse(res)
	out.Header().Set("Cache-Control", "no-store") // personal data: never kept by a cache
	return out, nil
}

// Identity returns the identity read from the document that verified the user, to a
// partner created to see it. Every call, answered or refused, goes to the audit log.
func (m *Manager) Identity(ctx context.Context, p store.Partner, userID string) (*partnerv1.GetIdentityResponse, error) {
	if err := kyc.ValidateUserID(userID); err != nil {
		return nil, fieldErr(err)
	}
	var res *partnerv1.GetIdentityResponse
	var refusal error
	actor := audit.Partner(p.ID, audit.Address(ctx))
	// record writes the read to both logs: the identity reads and the audit log.
	record := func(tx *store.Tx, read store.IdentityRead) error {
		if err := tx.RecordIdentityRead(ctx, read); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, actor.Entry(audit.IdentityRead, read.CaseID, p.ID, userID, read.Outcome))
	}
	err := m.store.InTx(ctx, func(tx *store.Tx) error {
		res, refusal = nil, nil
		read := store.IdentityRead{PartnerID: p.ID, PartnerUserID: userID, RequestID: reqctx.RequestID(ctx)}
		if !p.ShareIdentity {
			read.Outcome, refusal = ReadForbidden, apierr.New(apierr.Forbidden, "This partner is not allowed to read identities")
			return record(tx, read)
		}
		prof, err := tx.Profile(ctx, p.ID, userID)
		if err != nil {
			return err
		}
		ci, err := tx.VerifiedIdentity(ctx, p.ID, userID)
		if prof.Status != kyc.Verified || errors.Is(err, store.ErrNotFound) {
			read.Outcome, refusal = ReadNotFound, apierr.New(apierr.NotFound, "No verified identity for this user")
			return record(tx, read)
		}
		if err != nil {
			return err
		}
		id, err := verify.OpenIdentity(m.seal, ci)
		if err != nil {
			return err
		}
		res = &partnerv1.GetIdentityResponse{PartnerUserId: userID, Identity: verify.IdentityProto(id, false),
			VerifiedAt: timestamppb.New(prof.VerifiedAt.Truncate(time.Second))}
		read.Outcome, read.CaseID = ReadReturned, ci.CaseID
		return record(tx, read)
	})
	if err != nil {
		return nil, err
	}
	if refusal != nil {
		return nil, refusal
	}
	return res, nil
}

// expectedOf checks the optional expected_* fields of a session request; nil when the
// partner gave none.
func expectedOf(req *partnerv1.CreateSessionRequest, now time.Time) (*document.Expected, error) {
	name, dob := strings.TrimSpace(req.GetExpectedName()), strings.TrimSpace(req.GetExpectedDateOfBirth())
	if name == "" && dob == "" {
		return nil, nil
	}
	e := &document.Expected{Name: name}
	if len(name) > 200 || strings.ContainsFunc(name, func(r rune) bool { return unicode.IsControl(r) || r == unicode.ReplacementChar }) {
		return nil, apierr.Invalid("expected_name", "must be at most 200 printable characters")
	}
	if dob != "" {
		d, err := document.ParseDate(dob)
		if err != nil || d.After(now) || d.Year() < 1900 {
			return nil, apierr.Invalid("expected_date_of_birth", "must be a past date as YYYY-MM-DD")
		}
		e.BirthDate = d
	}
	return e, nil
}
