// Package review implements the operator's review API: the manual queue, opening a case
// with its decrypted images, deciding it, and resetting a final failure.
package review

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"

	"connectrpc.com/connect"
	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	reviewv1 "github.com/rampart-id/rampart/gen/rampart/review/v1"
	"github.com/rampart-id/rampart/gen/rampart/review/v1/reviewv1connect"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/verify"
)

// Opener decrypts sealed images.
type Opener interface {
	Open(envelope, associatedData []byte) ([]byte, error)
}

type handler struct {
	store *store.Store
	keys  Opener
}

// NewHandler returns the ReviewService implementation (operator auth runs before it).
func NewHandler(s *store.Store, keys Opener) reviewv1connect.ReviewServiceHandler {
	return &handler{store: s, keys: keys}
}

func (h *handler) ListQueue(ctx context.Context, req *connect.Request[reviewv1.ListQueueRequest]) (*connect.Response[reviewv1.ListQueueResponse], error) {
	size := int(req.Msg.GetPageSize())
	if size <= 0 {
		size = 50
	}
	size = min(size, 200)
	afterAt, afterID, err := parseCursor(req.Msg.GetPageToken())
	if err != nil {
		return nil, apierr.Invalid("page_token", "is not a token from a previous page")
	}
	entries, err := h.store.Read().ReviewQueue(ctx, afterAt, afterID, size)
	if err != nil {
		return nil, err
	}
	out := &reviewv1.ListQueueResponse{}
	for _, e := range entries {
		out.Cases = append(out.Cases, summary(e.Case, e.ReviewReasons))
	}
	if len(entries) == size {
		last := entries[len(entries)-1].Case
		out.NextPageToken = base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(last.SubmittedAt.UnixMicro(), 10) + "|" + last.ID))
	}
	return connect.NewResponse(out), nil
}

func (h *handler) GetCase(ctx context.Context, req *connect.Request[reviewv1.GetCaseRequest]) (*connect.Response[reviewv1.GetCaseResponse], error) {
	rd := h.store.Read()
	c, err := h.caseByID(ctx, rd, req.Msg.GetCaseId())
	if err != nil {
		return nil, err
	}
	reasons, err := rd.ReviewReasons(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	prof, err := rd.Profile(ctx, c.PartnerID, c.PartnerUserID)
	if err != nil {
		return nil, err
	}
	out := &reviewv1.GetCaseResponse{Case: summary(c, reasons), Status: prof.Status.Proto(), DocumentType: c.DocumentType}
	if !c.ConsentedAt.IsZero() {
		out.ConsentedAt, out.ConsentVersion = timestamppb.New(c.ConsentedAt), c.ConsentVer
	}
	checks, err := rd.Checks(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, ch := range checks {
		out.Checks = append(out.Checks, &reviewv1.CheckResult{Name: ch.Name, Result: ch.Result, Reason: ch.Reason, Score: ch.Score, Threshold: ch.Threshold, Version: ch.Version})
	}
	imgs, err := rd.CaseImages(ctx, c.ID, true)
	if err != nil {
		return nil, err
	}
	for _, im := range imgs {
		var data []byte
		if im.Sealed != nil { // nil once retention purged it
			if data, err = h.keys.Open(im.Sealed, store.ImageAAD(im.ID)); err != nil {
				return nil, err
			}
		}
		out.Images = append(out.Images, &reviewv1.Image{Id: im.ID, Kind: im.Kind, ContentType: im.ContentType, Data: data})
	}
	switch ci, err := rd.CaseIdentityByID(ctx, c.ID); {
	case err == nil:
		id, err := verify.OpenIdentity(h.keys, ci)
		if err != nil {
			return nil, err
		}
		out.Identity = verify.IdentityProto(id, true)
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	hist, err := rd.History(ctx, c.PartnerID, c.PartnerUserID)
	if err != nil {
		return nil, err
	}
	for _, e := range hist {
		out.History = append(out.History, &reviewv1.HistoryEntry{FromStatus: e.From.Proto(), ToStatus: e.To.Proto(), Actor: e.Actor,
			Reason: e.Reason, CreatedAt: timestamppb.New(e.CreatedAt)})
	}
	return connect.NewResponse(out), nil
}

func (h *handler) DecideCase(ctx context.Context, req *connect.Request[reviewv1.DecideCaseRequest]) (*connect.Response[reviewv1.DecideCaseResponse], error) {
	op, _ := auth.OperatorFrom(ctx)
	d := verify.Decision{Actor: "reviewer:" + op.Name}
	reason := strings.TrimSpace(req.Msg.GetReason())
	switch req.Msg.GetDecision() {
	case reviewv1.Decision_DECISION_VERIFIED:
		d.Outcome = verify.Verified
	case reviewv1.Decision_DECISION_FAILED:
		if reason == "" {
			return nil, apierr.Invalid("reason", "is required for a failed decision (e.g. document_expired)")
		}
		d.Outcome, d.Reasons, d.Final = verify.Failed, []string{reason}, !req.Msg.GetRetryAllowed()
	default:
		return nil, apierr.Invalid("decision", "must be DECISION_VERIFIED or DECISION_FAILED")
	}
	var prof store.Profile
	err := h.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := h.caseByID(ctx, tx, req.Msg.GetCaseId())
		if err != nil {
			return err
		}
		if c.State != store.CaseSubmitted {
			return apierr.New(apierr.CaseNotOpen, "The case is not waiting for a decision")
		}
		prof, err = verify.Apply(ctx, tx, c, d)
		return err
	})
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&reviewv1.DecideCaseResponse{Status: prof.Status.Proto()}), nil
}

func (h *handler) ResetProfile(ctx context.Context, req *connect.Request[reviewv1.ResetProfileRequest]) (*connect.Response[reviewv1.ResetProfileResponse], error) {
	op, _ := auth.OperatorFrom(ctx)
	partnerID, ok := store.CanonicalID(req.Msg.GetPartnerId())
	if !ok {
		return nil, apierr.Invalid("partner_id", "must be a partner id (a UUID)")
	}
	var prof store.Profile
	err := h.store.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.Profile(ctx, partnerID, req.Msg.GetPartnerUserId())
		if err != nil {
			return err
		}
		if !p.Exists {
			return apierr.New(apierr.NotFound, "No such profile")
		}
		if p.Status != kyc.Failed {
			return apierr.New(apierr.CaseNotOpen, "Only a failed profile can be reset (it is %s)", p.Status)
		}
		prof, err = tx.Transition(ctx, p, store.Transition{To: kyc.NotStarted, ResetAttempts: true, Actor: "operator:" + op.Name,
			Reason: strings.TrimSpace(req.Msg.GetReason())})
		return err
	})
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&reviewv1.ResetProfileResponse{Status: prof.Status.Proto()}), nil
}

func (h *handler) caseByID(ctx context.Context, tx *store.Tx, id string) (store.Case, error) {
	id, ok := store.CanonicalID(id)
	if !ok {
		return store.Case{}, apierr.Invalid("case_id", "must be a case id (a UUID)")
	}
	c, err := tx.CaseByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return c, apierr.New(apierr.NotFound, "No such case")
	}
	return c, err
}

func summary(c store.Case, reasons []string) *reviewv1.CaseSummary {
	s := &reviewv1.CaseSummary{CaseId: c.ID, PartnerId: c.PartnerID, PartnerUserId: c.PartnerUserID, ReviewReasons: reasons}
	if !c.SubmittedAt.IsZero() {
		s.SubmittedAt = timestamppb.New(c.SubmittedAt)
	}
	return s
}

func parseCursor(tok string) (int64, string, error) {
	if tok == "" {
		return -1, uuid.Nil.String(), nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, "", err
	}
	at, id, ok := strings.Cut(string(b), "|")
	if !ok {
		return 0, "", errors.New("bad cursor")
	}
	id, ok = store.CanonicalID(id)
	if !ok {
		return 0, "", errors.New("bad cursor")
	}
	n, err := strconv.ParseInt(at, 10, 64)
	return n, id, err
}
