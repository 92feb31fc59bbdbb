// Package review implements the operator's review domain (Manager: the queue, cases,
// decisions, resets and the audit log) and the ReviewService API over it.
package review

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	reviewv1 "github.com/rampart-id/rampart/gen/rampart/review/v1"
	"github.com/rampart-id/rampart/gen/rampart/review/v1/reviewv1connect"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/audit"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/verify"
)

// Opener decrypts sealed images.
type Opener interface {
	Open(envelope, associatedData []byte) ([]byte, error)
}

type handler struct{ m *Manager }

// NewHandler returns the ReviewService implementation (operator auth runs before it).
func NewHandler(s *store.Store, keys Opener) reviewv1connect.ReviewServiceHandler {
	return &handler{m: NewManager(s, keys)}
}

// actor is the authenticated operator, from the request's client address.
func actor(ctx context.Context) Actor {
	op, _ := auth.OperatorFrom(ctx)
	return audit.Operator(op, audit.Address(ctx))
}

func (h *handler) ListQueue(ctx context.Context, req *connect.Request[reviewv1.ListQueueRequest]) (*connect.Response[reviewv1.ListQueueResponse], error) {
	afterAt, afterID, err := parseCursor(req.Msg.GetPageToken())
	if err != nil {
		return nil, err
	}
	f := QueueFilter{PartnerID: req.Msg.GetPartnerId(), Reason: req.Msg.GetReason(), AfterAt: afterAt, AfterID: afterID,
		Limit: int(max(req.Msg.GetPageSize(), 0))}
	s := req.Msg.GetOlderThanSeconds()
	if s < 0 || s > 100*365*24*3600 {
		return nil, apierr.Invalid("older_than_seconds", "must be between 0 and a century")
	}
	f.OlderThan = time.Duration(s) * time.Second
	entries, counts, err := h.m.Queue(ctx, actor(ctx), f)
	if err != nil {
		return nil, err
	}
	out := &reviewv1.ListQueueResponse{Counts: &reviewv1.QueueCounts{Total: int32(counts.Total),
		ByReason: int32s(counts.ByReason), ByPartner: int32s(counts.ByPartner)}}
	for _, e := range entries {
		out.Cases = append(out.Cases, summary(e.Case, e.ReviewReasons))
	}
	if limit := cmp0(f.Limit, 50, 200); len(entries) == limit {
		last := entries[len(entries)-1].Case
		out.NextPageToken = formatCursor(last.SubmittedAt, last.ID)
	}
	return connect.NewResponse(out), nil
}

func (h *handler) GetCase(ctx context.Context, req *connect.Request[reviewv1.GetCaseRequest]) (*connect.Response[reviewv1.GetCaseResponse], error) {
	a := actor(ctx)
	v, err := h.m.Case(ctx, a, req.Msg.GetCaseId())
	if err != nil {
		return nil, err
	}
	c := v.Case
	out := &reviewv1.GetCaseResponse{Case: summary(c, v.ReviewReasons), Status: v.Status.Proto(), DocumentType: c.DocumentType}
	if !v.ConsentedAt.IsZero() {
		out.ConsentedAt, out.ConsentVersion = timestamppb.New(v.ConsentedAt), v.ConsentVersion
	}
	for _, ch := range v.Checks {
		out.Checks = append(out.Checks, &reviewv1.CheckResult{Name: ch.Name, Result: ch.Result, Reason: ch.Reason, Score: ch.Score, Threshold: ch.Threshold, Version: ch.Version})
	}
	// The API hands out every image's bytes with the case, so each is loaded (and
	// audited) as a view of that image.
	for _, meta := range v.Images {
		im, err := h.m.Image(ctx, a, c.ID, meta.ID)
		if err != nil {
			return nil, err
		}
		out.Images = append(out.Images, &reviewv1.Image{Id: im.ID, Kind: im.Kind, ContentType: im.ContentType, Data: im.Data,
			Step: im.Step, AtMs: int32(im.AtMS)})
	}
	if v.Identity != nil {
		out.Identity = verify.IdentityProto(*v.Identity, true)
	}
	for _, e := range v.History {
		out.History = append(out.History, &reviewv1.HistoryEntry{FromStatus: e.From.Proto(), ToStatus: e.To.Proto(), Actor: e.Actor,
			Reason: e.Reason, CreatedAt: timestamppb.New(e.CreatedAt)})
	}
	return connect.NewResponse(out), nil
}

func (h *handler) DecideCase(ctx context.Context, req *connect.Request[reviewv1.DecideCaseRequest]) (*connect.Response[reviewv1.DecideCaseResponse], error) {
	d := Decision{Reason: req.Msg.GetReason(), RetryAllowed: req.Msg.GetRetryAllowed(), Note: req.Msg.GetNote()}
	switch req.Msg.GetDecision() {
	case reviewv1.Decision_DECISION_VERIFIED:
		d.Verified = true
	case reviewv1.Decision_DECISION_FAILED:
	default:
		return nil, apierr.Invalid("decision", "must be DECISION_VERIFIED or DECISION_FAILED")
	}
	st, err := h.m.Decide(ctx, actor(ctx), req.Msg.GetCaseId(), d)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&reviewv1.DecideCaseResponse{Status: st.Proto()}), nil
}

func (h *handler) ResetProfile(ctx context.Context, req *connect.Request[reviewv1.ResetProfileRequest]) (*connect.Response[reviewv1.ResetProfileResponse], error) {
	st, err := h.m.Reset(ctx, actor(ctx), req.Msg.GetPartnerId(), req.Msg.GetPartnerUserId(), req.Msg.GetReason())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&reviewv1.ResetProfileResponse{Status: st.Proto()}), nil
}

func (h *handler) FindCases(ctx context.Context, req *connect.Request[reviewv1.FindCasesRequest]) (*connect.Response[reviewv1.FindCasesResponse], error) {
	cases, err := h.m.Find(ctx, actor(ctx), req.Msg.GetPartnerId(), req.Msg.GetPartnerUserId())
	if err != nil {
		return nil, err
	}
	out := &reviewv1.FindCasesResponse{}
	for _, c := range cases {
		out.Cases = append(out.Cases, summary(c, nil))
	}
	return connect.NewResponse(out), nil
}

func (h *handler) ListAudit(ctx context.Context, req *connect.Request[reviewv1.ListAuditRequest]) (*connect.Response[reviewv1.ListAuditResponse], error) {
	m := req.Msg
	f := store.AuditFilter{Actor: m.GetActor(), Action: m.GetAction(), CaseID: m.GetCaseId(), PartnerID: m.GetPartnerId(),
		PartnerUserID: m.GetPartnerUserId(), Limit: cmp0(int(m.GetPageSize()), 100, 1000)}
	if m.Since != nil {
		f.Since = m.GetSince().AsTime()
	}
	if m.Until != nil {
		f.Until = m.GetUntil().AsTime()
	}
	if m.GetPageToken() != "" {
		var err error
		if f.BeforeAt, f.BeforeID, err = parseCursor(m.GetPageToken()); err != nil {
			return nil, err
		}
	}
	entries, err := h.m.Audit(ctx, actor(ctx), f)
	if err != nil {
		return nil, err
	}
	out := &reviewv1.ListAuditResponse{}
	for _, e := range entries {
		out.Entries = append(out.Entries, &reviewv1.AuditEntry{Id: e.ID, At: timestamppb.New(e.At), Actor: e.Actor, Action: e.Action,
			CaseId: e.CaseID, PartnerId: e.PartnerID, PartnerUserId: e.PartnerUserID, Address: e.Address, Detail: e.Detail})
	}
	if len(entries) == f.Limit {
		last := entries[len(entries)-1]
		out.NextPageToken = formatCursor(last.At, last.ID)
	}
	return connect.NewResponse(out), nil
}

func summary(c store.Case, reasons []string) *reviewv1.CaseSummary {
	s := &reviewv1.CaseSummary{CaseId: c.ID, PartnerId: c.PartnerID, PartnerUserId: c.PartnerUserID, ReviewReasons: reasons,
		State: c.State, CreatedAt: timestamppb.New(c.CreatedAt)}
	if !c.SubmittedAt.IsZero() {
		s.SubmittedAt = timestamppb.New(c.SubmittedAt)
	}
	if !c.DecidedAt.IsZero() {
		s.DecidedAt = timestamppb.New(c.DecidedAt)
	}
	return s
}

func int32s(m map[string]int) map[string]int32 {
	out := make(map[string]int32, len(m))
	for k, v := range m {
		out[k] = int32(v)
	}
	return out
}

// cmp0 is n, or def when n is not positive, capped at most.
func cmp0(n, def, most int) int {
	if n <= 0 {
		return def
	}
	return min(n, most)
}

// A page token is the keyset cursor (time in micros, id) of the last row of a page.
func formatCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at.UnixMicro(), 10) + "|" + id))
}

func parseCursor(tok string) (int64, string, error) {
	if tok == "" {
		return 0, "", nil
	}
	bad := apierr.Invalid("page_token", "is not a token from a previous page")
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, "", bad
	}
	at, id, ok := strings.Cut(string(b), "|")
	if !ok {
		return 0, "", bad
	}
	if id, ok = store.CanonicalID(id); !ok {
		return 0, "", bad
	}
	n, err := strconv.ParseInt(at, 10, 64)
	if err != nil {
		return 0, "", bad
	}
	return n, id, nil
}
