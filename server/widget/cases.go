package widget

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"math/big"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/liveness"
	"github.com/rampart-id/rampart/quality"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/imageintake"
	"github.com/rampart-id/rampart/server/store"
)

// Upload limits. Documents: the widget sends ≤ 2000 px JPEGs, but files uploaded from a
// phone may be full camera resolution (decode memory and scan count take
// imageintake's defaults, which admit a 12 MP photo). Liveness frames are small by
// design: 32 MiB of decode memory is a 2 MP progressive or 4 MP baseline JPEG.
var (
	documentLimits = imageintake.Limits{MaxBytes: 10 << 20, MaxPixels: 25_000_000, MaxSide: 12000, MinSide: 300}
	frameLimits    = imageintake.Limits{MaxBytes: 2 << 20, MaxPixels: 4_000_000, MaxSide: 4000, MinSide: 64, MaxDecodeBytes: 32 << 20}
)

// UploadDocument checks, seals and stores one side of the user's document.
func (m *Manager) UploadDocument(ctx context.Context, w auth.WidgetPrincipal, req *widgetv1.UploadDocumentRequest) (*widgetv1.UploadDocumentResponse, error) {
	docType := kyc.DocumentName(req.GetDocumentType())
	if docType == "" {
		return nil, apierr.Invalid("document_type", "must be passport, national ID or driver's licence")
	}
	kind := store.ImageFront
	switch req.GetSide() {
	case widgetv1.DocumentSide_DOCUMENT_SIDE_FRONT:
	case widgetv1.DocumentSide_DOCUMENT_SIDE_BACK:
		if !kyc.NeedsBack(docType) {
			return nil, apierr.Invalid("side", "a passport has no back side to upload")
		}
		kind = store.ImageBack
	default:
		return nil, apierr.Invalid("side", "must be front or back")
	}
	var report quality.Report
	im, err := m.intake(ctx, w, kind, 0, req.GetImage(), documentLimits, func(img image.Image) []quality.Check {
		report = quality.Assess(img)
		return report.Checks
	})
	if err != nil {
		return nil, intakeError("image", err)
	}
	err = m.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := m.openCase(ctx, tx, w)
		if err != nil {
			return err
		}
		if err := consented(c); err != nil {
			return err
		}
		if c.DocumentsFrom != "" {
			if err := tx.DropCarriedDocuments(ctx, c.ID); err != nil {
				return err
			}
		}
		if err := tx.SetDocumentType(ctx, c.ID, docType); err != nil {
			return err
		}
		im.CaseID = c.ID
		return tx.PutImages(ctx, c.ID, kind, []store.Image{im})
	})
	if err != nil {
		return nil, err
	}
	out := &widgetv1.UploadDocumentResponse{DocumentId: im.ID, Accepted: report.OK()}
	for _, c := range report.Checks {
		out.Quality = append(out.Quality, &widgetv1.QualityCheck{Name: c.Name, Passed: c.Passed, Reason: c.Reason, Score: c.Score})
	}
	return out, nil
}

// StartLiveness draws a challenge for the user's open case and binds it to the case.
func (m *Manager) StartLiveness(ctx context.Context, w auth.WidgetPrincipal) (*widgetv1.StartLivenessResponse, error) {
	ch, err := liveness.New(cryptoIntn)
	if err != nil {
		return nil, err
	}
	id := uuid.NewString()
	var issuedAt time.Time
	err = m.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := m.openCase(ctx, tx, w)
		if err != nil {
			return err
		}
		if err := consented(c); err != nil {
			return err
		}
		ok, err := tx.IssueChallenge(ctx, c.ID, id, ch.String(), liveness.MaxPerCase)
		if err != nil {
			return err
		}
		if !ok {
			return apierr.New(apierr.RateLimitExceeded, "Too many selfie attempts for this verification; please contact support")
		}
		issuedAt = tx.Now()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &widgetv1.StartLivenessResponse{ChallengeId: id, Moves: ch.Proto(), ExpiresAt: timestamppb.New(issuedAt.Add(liveness.TTL))}, nil
}

// cryptoIntn draws a uniform number in [0, n) from crypto/rand.
func cryptoIntn(n int) (int, error) {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		return 0, err
	}
	return int(v.Int64()), nil
}

func errChallengeExpired() error {
	return apierr.New(apierr.ChallengeExpired, "This selfie challenge expired or was already used; start the selfie step again")
}

// frameClockSlack is how far a frame's capture time may run ahead of the server's
// clock since the challenge was issued (the request's own transit).
const frameClockSlack = 2 * time.Second

// SubmitLiveness stores the frames answering the case's current challenge (replacing an
// earlier sequence of the case). The challenge is answered once: another attempt starts
// with StartLiveness.
func (m *Manager) SubmitLiveness(ctx context.Context, w auth.WidgetPrincipal, req *widgetv1.SubmitLivenessRequest) (*widgetv1.SubmitLivenessResponse, error) {
	frames := req.GetFrames()
	if len(frames) < liveness.MinFrames || len(frames) > liveness.MaxFrames {
		return nil, apierr.Invalid("frames", fmt.Sprintf("must hold %d to %d images", liveness.MinFrames, liveness.MaxFrames))
	}
	if req.GetChallengeId() == "" {
		return nil, apierr.Invalid("challenge_id", "is required: start the selfie step first")
	}
	for i, f := range frames {
		if f.GetAtMs() < 0 || f.GetStep() < 0 || f.GetStep() > liveness.MaxMoves || (i > 0 && f.GetAtMs() <= frames[i-1].GetAtMs()) {
			return nil, apierr.Invalid(fmt.Sprintf("frames[%d]", i), fmt.Sprintf("capture times must increase from 0 and steps be 0 to %d", liveness.MaxMoves))
		}
	}
	// A stale or made-up challenge is refused before any frame is decoded; the
	// transaction below checks again and answers it.
	if c, err := m.store.Read().CurrentCase(ctx, w.Token.PartnerID, w.Token.PartnerUserID); err == nil &&
		(c.ChallengeID != req.GetChallengeId() || c.Answered || m.store.Now().Sub(c.ChallengeAt) > liveness.TTL) {
		return nil, errChallengeExpired()
	}
	imgs := make([]store.Image, 0, len(frames))
	for i, f := range frames {
		im, err := m.intake(ctx, w, store.ImageLiveness, i, f.GetImage(), frameLimits, nil)
		if err != nil {
			return nil, intakeError(fmt.Sprintf("frames[%d]", i), err)
		}
		im.AtMS, im.Step = int(f.GetAtMs()), int(f.GetStep())
		imgs = append(imgs, im)
	}
	last := time.Duration(frames[len(frames)-1].GetAtMs()) * time.Millisecond
	err := m.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := m.openCase(ctx, tx, w)
		if err != nil {
			return err
		}
		if c.Challenge == "" || c.ChallengeAt.Add(last).After(tx.Now().Add(frameClockSlack)) {
			return apierr.Invalid("frames", "capture times run past the time since the challenge was issued")
		}
		ok, err := tx.AnswerChallenge(ctx, c.ID, req.GetChallengeId(), tx.Now().Add(-liveness.TTL))
		if err != nil {
			return err
		}
		if !ok {
			return errChallengeExpired()
		}
		for i := range imgs {
			imgs[i].CaseID = c.ID
		}
		if err := tx.SetLivenessDuration(ctx, c.ID, int(last.Milliseconds())); err != nil {
			return err
		}
		return tx.PutImages(ctx, c.ID, store.ImageLiveness, imgs)
	})
	if err != nil {
		return nil, err
	}
	return &widgetv1.SubmitLivenessResponse{Frames: int32(len(imgs))}, nil
}

// Submitted is called inside the submit transaction (the verification queue hooks in
// here so the job is enqueued atomically with the status change).
type Submitted func(ctx context.Context, tx *store.Tx, c store.Case) error

// SubmitCase submits the open case: documents and liveness must be complete; the
// profile moves to pending in the same transaction.
func (m *Manager) SubmitCase(ctx context.Context, w auth.WidgetPrincipal) (*widgetv1.KycState, error) {
	var prof store.Profile
	err := m.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if prof, err = tx.Profile(ctx, w.Token.PartnerID, w.Token.PartnerUserID); err != nil {
			return err
		}
		if err := canSubmit(prof, w.Partner.MaxAttempts); err != nil {
			return err
		}
		c, err := tx.CurrentCase(ctx, w.Token.PartnerID, w.Token.PartnerUserID)
		if errors.Is(err, store.ErrNotFound) {
			return apierr.Invalid("case", "nothing to submit yet: upload your document first")
		}
		if err != nil {
			return err
		}
		imgs, err := tx.CaseImages(ctx, c.ID, false)
		if err != nil {
			return err
		}
		if err := complete(c, imgs); err != nil {
			return err
		}
		if ok, err := tx.SubmitCase(ctx, c.ID); err != nil {
			return err
		} else if !ok {
			return apierr.New(apierr.CaseNotOpen, "Your documents were already submitted")
		}
		if prof, err = tx.Transition(ctx, prof, store.Transition{To: kyc.Pending, CaseID: c.ID, Actor: "widget", Reason: "submitted"}); err != nil {
			return err
		}
		if m.onSubmit != nil {
			return m.onSubmit(ctx, tx, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return State(prof, w.Partner.MaxAttempts), nil
}

func complete(c store.Case, imgs []store.Image) error {
	if err := documentMissing(c.DocumentType, imgs); err != nil {
		return err
	}
	n := 0
	for _, im := range imgs {
		if im.Kind == store.ImageLiveness {
			n++
		}
	}
	if n < liveness.MinFrames {
		return apierr.Invalid("liveness", "the selfie sequence is missing")
	}
	return nil
}

// documentMissing says which side of the document imgs lack, if any.
func documentMissing(docType string, imgs []store.Image) error {
	has := map[string]bool{}
	for _, im := range imgs {
		has[im.Kind] = true
	}
	switch {
	case !has[store.ImageFront]:
		return apierr.Invalid("document", "the front of the document is missing")
	case kyc.NeedsBack(docType) && !has[store.ImageBack]:
		return apierr.Invalid("document", "the back of the document is missing")
	}
	return nil
}

// openCase returns the user's open case, refusing when the profile cannot take one.
func (m *Manager) openCase(ctx context.Context, tx *store.Tx, w auth.WidgetPrincipal) (store.Case, error) {
	prof, err := tx.Profile(ctx, w.Token.PartnerID, w.Token.PartnerUserID)
	if err != nil {
		return store.Case{}, err
	}
	if err := canSubmit(prof, w.Partner.MaxAttempts); err != nil {
		return store.Case{}, err
	}
	c, err := tx.OpenCase(ctx, w.Token.PartnerID, w.Token.PartnerUserID)
	if err == nil && c.State != store.CaseOpen {
		return c, apierr.New(apierr.CaseNotOpen, "Your documents are being reviewed")
	}
	if err == nil && c.DocumentType == "" && prof.Status == kyc.Failed && !kyc.Redo(prof.FailureReasons).Document {
		return m.carryDocument(ctx, tx, c)
	}
	return c, err
}

func canSubmit(p store.Profile, maxAttempts int) error {
	switch {
	case p.Status == kyc.Verified:
		return apierr.New(apierr.CaseNotOpen, "You are already verified")
	case p.Status == kyc.Pending:
		return apierr.New(apierr.CaseNotOpen, "Your documents are being reviewed")
	case p.Status == kyc.Failed && (p.Final || p.AttemptsUsed >= maxAttempts):
		return apierr.New(apierr.CaseNotOpen, "No verification attempts are left; please contact support")
	}
	return nil
}

// intake decodes an upload within lim, runs assess (if any) on the decoded image, and
// seals the image re-encoded: what is stored is exactly what was checked, without the
// upload's metadata (EXIF, GPS) or trailing bytes. The decode slot is held until the
// image is sealed, so the pixels of every upload in flight count against the slots.
func (m *Manager) intake(ctx context.Context, w auth.WidgetPrincipal, kind string, frame int, data []byte, lim imageintake.Limits, assess func(image.Image) []quality.Check) (store.Image, error) {
	var im store.Image
	_, err := imageintake.WithDecoded(ctx, data, lim, func(img image.Image, info imageintake.Info) error {
		var checks []quality.Check
		if assess != nil {
			checks = assess(img)
		}
		stored, err := imageintake.Reencode(img)
		if err != nil {
			return err
		}
		info.ContentType = imageintake.TypeJPEG
		im, err = m.sealImage(w, kind, frame, stored, info, checks)
		return err
	})
	return im, err
}

func (m *Manager) sealImage(w auth.WidgetPrincipal, kind string, frame int, data []byte, info imageintake.Info, checks []quality.Check) (store.Image, error) {
	id := uuid.NewString()
	sealed, err := m.seal.Seal(data, store.ImageAAD(id))
	if err != nil {
		return store.Image{}, err
	}
	q, _ := json.Marshal(checks)
	return store.Image{ID: id, PartnerID: w.Token.PartnerID, Kind: kind, Frame: frame, ContentType: info.ContentType,
		Width: info.Width, Height: info.Height, QualityJSON: string(q), Sealed: sealed}, nil
}

func intakeError(field string, err error) error {
	switch {
	case errors.Is(err, imageintake.ErrBusy):
		return &apierr.Error{Code: apierr.Unavailable, Message: "Server busy, retry shortly", RetryAfter: imageintake.BusyRetryAfter}
	case errors.Is(err, imageintake.ErrTooLarge):
		return apierr.New(apierr.PayloadTooLarge, "%s is too large: %s", field, detail(err, imageintake.ErrTooLarge))
	case errors.Is(err, imageintake.ErrUnsupportedType):
		return apierr.Invalid(field, "must be a JPEG or PNG image")
	case errors.Is(err, imageintake.ErrDimensions):
		return apierr.Invalid(field, "has unsupported dimensions: "+detail(err, imageintake.ErrDimensions))
	case errors.Is(err, imageintake.ErrTooComplex):
		return apierr.Invalid(field, "has too many progressive scans ("+detail(err, imageintake.ErrTooComplex)+"); save it as a standard JPEG")
	case errors.Is(err, imageintake.ErrCorrupt):
		return apierr.Invalid(field, "could not be read: the image is truncated or corrupt")
	}
	return err
}

// detail is what an intake error says beyond its sentinel, for the client message.
func detail(err, sentinel error) string {
	return strings.TrimPrefix(err.Error(), sentinel.Error()+": ")
}
