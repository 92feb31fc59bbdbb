// Package widget implements the API the browser widget calls: exchanging the partner's
// init token for a widget token, then acting on that one user's KYC case.
package widget

import (
	"context"
	"errors"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/store"
)

// WidgetTokenTTL is the longest a widget token lives (SPEC: at most 1 hour).
const WidgetTokenTTL = time.Hour

// Sealer encrypts images at rest (the vault keyring); Open lets a retry carry the
// previous attempt's document into the new case, sealed for its new rows.
type Sealer interface {
	Seal(plaintext, associatedData []byte) ([]byte, error)
	Open(envelope, associatedData []byte) ([]byte, error)
}

// Manager is the widget API's domain logic.
type Manager struct {
	// PublicURL is how browsers reach this server (the handoff link's base).
	PublicURL string

	store    *store.Store
	auth     *auth.Authenticator
	seal     Sealer
	onSubmit Submitted
	// Retention is told to the user on the consent screen (zero: not configured).
	Retention Retention
}

// NewManager builds a Manager. onSubmit (may be nil) runs inside the submit transaction.
func NewManager(s *store.Store, a *auth.Authenticator, seal Sealer, onSubmit Submitted) *Manager {
	return &Manager{store: s, auth: a, seal: seal, onSubmit: onSubmit}
}

var errBadInitToken = apierr.New(apierr.Unauthorized, "This verification link is not valid. Ask the app you came from for a new one.")

var errOtherWidget = apierr.New(apierr.Unauthorized, "This verification link belongs to another app. Ask the app you came from for a new one.")

// StartSession exchanges a single-use init token for a widget token bound to the user.
// The conditional "mark used" update makes a second exchange, even a concurrent one,
// fail with session_already_used. widgetID is the widget_id of the page the widget runs
// in: when given, the token must be its partner's, since that page may be framed by
// that partner's origins only. A mismatch leaves the token unused.
func (m *Manager) StartSession(ctx context.Context, initToken, widgetID string) (*widgetv1.StartSessionResponse, error) {
	if err := m.auth.Admit(ctx, initToken, auth.PrefixInit); err != nil {
		if e, ok := apierr.As(err); ok && e.Code == apierr.RateLimitExceeded {
			return nil, err
		}
		return nil, errBadInitToken
	}
	var res *widgetv1.StartSessionResponse
	err := m.store.InTx(ctx, func(tx *store.Tx) error {
		sess, err := tx.SessionByInitToken(ctx, auth.Hash(initToken))
		if errors.Is(err, store.ErrNotFound) {
			return errBadInitToken
		}
		if err != nil {
			return err
		}
		if !sess.UsedAt.IsZero() {
			return apierr.New(apierr.SessionAlreadyUsed, "This verification link was already used. Ask the app you came from for a new one.")
		}
		p, err := tx.PartnerByID(ctx, sess.PartnerID)
		if err != nil {
			return err
		}
		if widgetID != "" && widgetID != p.WidgetID {
			return errOtherWidget
		}
		if !tx.Now().Before(sess.ExpiresAt) {
			return apierr.New(apierr.SessionExpired, "This verification link has expired. Ask the app you came from for a new one.")
		}
		if ok, err := tx.UseSession(ctx, sess.ID); err != nil {
			return err
		} else if !ok {
			return apierr.New(apierr.SessionAlreadyUsed, "This verification link was already used. Ask the app you came from for a new one.")
		}
		res, err = m.open(ctx, tx, sess, p)
		return err
	})
	return res, err
}

// open issues a widget token for the session's user and describes the session.
func (m *Manager) open(ctx context.Context, tx *store.Tx, sess store.Session, p store.Partner) (*widgetv1.StartSessionResponse, error) {
	prof, err := tx.EnsureProfile(ctx, sess.PartnerID, sess.PartnerUserID)
	if err != nil {
		return nil, err
	}
	tok, hash := m.auth.Tokens.New(auth.PrefixWidget)
	expires := tx.Now().Add(WidgetTokenTTL)
	if err := tx.CreateWidgetToken(ctx, store.WidgetToken{Hash: hash, SessionID: sess.ID, PartnerID: sess.PartnerID,
		PartnerUserID: sess.PartnerUserID, ExpiresAt: expires}); err != nil {
		return nil, err
	}
	order := &kycv1.Order{}
	if err := protojson.Unmarshal([]byte(sess.OrderJSON), order); err != nil {
		return nil, err
	}
	res := &widgetv1.StartSessionResponse{
		WidgetToken: tok, ExpiresAt: timestamppb.New(expires), InitTokenType: sess.Kind, PartnerName: p.Name,
		PartnerOrigins: p.Origins, State: State(prof, p.MaxAttempts), Order: order,
		MerchantTransactionId: sess.ID, TestMode: p.TestMode,
		PrivacyUrl: p.PrivacyURL, SupportUrl: p.SupportURL,
		ImageRetentionDays: int32(m.Retention.ImageDays), IdentityRetentionDays: int32(m.Retention.IdentityDays),
	}
	if res.ConsentGiven, err = tx.HasConsent(ctx, sess.PartnerID, sess.PartnerUserID); err != nil {
		return nil, err
	}
	return res, nil
}

// Status returns the widget user's state.
func (m *Manager) Status(ctx context.Context, w auth.WidgetPrincipal) (*widgetv1.KycState, error) {
	prof, err := m.store.Read().Profile(ctx, w.Token.PartnerID, w.Token.PartnerUserID)
	if err != nil {
		return nil, err
	}
	return State(prof, w.Partner.MaxAttempts), nil
}

// State renders a profile for the widget.
func State(prof store.Profile, maxAttempts int) *widgetv1.KycState {
	s := &widgetv1.KycState{Status: prof.Status.Proto(), FailureReasons: prof.FailureReasons}
	if !prof.Final {
		s.AttemptsRemaining = int32(max(0, maxAttempts-prof.AttemptsUsed))
	}
	if prof.Status == kyc.Verified {
		s.VerifiedAt = timestamppb.New(prof.VerifiedAt)
	}
	return s
}
