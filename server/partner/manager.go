// Package partner implements the partner API: KYC status look-ups and payment sessions,
// plus partner administration used by the CLI.
package partner

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	kycv1 "github.com/rampart-id/rampart/gen/rampart/kyc/v1"
	partnerv1 "github.com/rampart-id/rampart/gen/rampart/partner/v1"
	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/order"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/verify"
)

// Sealer encrypts small secrets at rest (the vault keyring).
type Sealer interface {
	Seal(plaintext, associatedData []byte) ([]byte, error)
	Open(envelope, associatedData []byte) ([]byte, error)
}

// Config holds the partner API's settings.
type Config struct {
	PublicURL      string        // base URL of this server as browsers reach it
	InitTokenTTL   time.Duration // SPEC: 1 hour
	IdempotencyTTL time.Duration // SPEC: 24 hours
	Tokens         *auth.Tagger  // mints the tokens this manager hands out
	// IdentityRetention: how long a user's expected identity is kept.
	IdentityRetention time.Duration
}

// Init token types, as the partner API names them.
const (
	TokenTypeSession = "session"
	TokenTypeKyc     = "kyc"
)

// KycRequiredMessage is the exact message of the partner docs.
const KycRequiredMessage = "User must complete KYC verification before transacting"

// Manager is the partner API's domain logic.
type Manager struct {
	store *store.Store
	seal  Sealer
	cfg   Config
}

// NewManager builds a Manager; zero durations take the SPEC defaults.
func NewManager(s *store.Store, seal Sealer, cfg Config) *Manager {
	if cfg.InitTokenTTL == 0 {
		cfg.InitTokenTTL = time.Hour
	}
	if cfg.IdempotencyTTL == 0 {
		cfg.IdempotencyTTL = 24 * time.Hour
	}
	if cfg.IdentityRetention == 0 {
		cfg.IdentityRetention = verify.DefaultIdentityRetention
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	return &Manager{store: s, seal: seal, cfg: cfg}
}

// Status returns a user's profile; a user never seen is not_started. Only the calling
// partner's profiles are visible: the same id under another partner is another person.
func (m *Manager) Status(ctx context.Context, p store.Partner, userID string) (store.Profile, error) {
	if err := kyc.ValidateUserID(userID); err != nil {
		return store.Profile{}, fieldErr(err)
	}
	return m.store.Read().Profile(ctx, p.ID, userID)
}

// CreateSession opens a payment session for a verified user. Anyone else gets
// kyc_required carrying a KYC init token bound to the same user and order. With an
// idempotency key the first outcome is stored (sealed: it holds a live token) and
// replayed for 24 h; a different body under the same key is idempotency_conflict.
func (m *Manager) CreateSession(ctx context.Context, p store.Partner, req *partnerv1.CreateSessionRequest, idemKey string) (*partnerv1.CreateSessionResponse, error) {
	accepted, err := validateSession(req, p.TestMode)
	if err != nil {
		return nil, err
	}
	if err := validateIdemKey(idemKey); err != nil {
		return nil, err
	}
	expected, err := expectedOf(req, m.store.Now())
	if err != nil {
		return nil, err
	}
	var expectedSealed []byte
	if expected != nil {
		raw, err := json.Marshal(expected)
		if err != nil {
			return nil, err
		}
		if expectedSealed, err = m.seal.Seal(raw, store.ExpectedAAD(p.ID, req.GetPartnerUserId())); err != nil {
			return nil, err
		}
	}
	reqBytes, err := proto.MarshalOptions{Deterministic: true}.Marshal(req)
	if err != nil {
		return nil, err
	}
	reqHash := sha256.Sum256(reqBytes)
	orderJSON, err := protojson.Marshal(accepted)
	if err != nil {
		return nil, err
	}

	var res *partnerv1.CreateSessionResponse
	var kycErr *apierr.Error
	err = m.store.InTx(ctx, func(tx *store.Tx) error {
		res, kycErr = nil, nil
		if idemKey != "" {
			rec, found, err := tx.Idempotency(ctx, p.ID, idemKey)
			if err != nil {
				return err
			}
			if found {
				if !bytes.Equal(rec.RequestHash, reqHash[:]) {
					return apierr.New(apierr.IdempotencyConflict, "Idempotency-Key was already used with a different request body")
				}
				res, kycErr, err = m.replay(p.ID, idemKey, rec)
				return err
			}
		}
		prof, err := tx.Profile(ctx, p.ID, req.GetPartnerUserId())
		if err != nil {
			return err
		}
		kind := TokenTypeKyc
		if prof.Status.CanTransact() {
			kind = TokenTypeSession
		}
		token, hash := m.cfg.Tokens.New(auth.PrefixInit)
		sess := store.Session{
			ID: uuid.NewString(), PartnerID: p.ID, PartnerUserID: req.GetPartnerUserId(), Kind: kind,
			InitTokenHash: hash, OrderJSON: string(orderJSON), UserEmail: strings.TrimSpace(req.GetUserEmail()),
			ClientIP: req.GetClientIp(), ExpiresAt: tx.Now().Add(m.cfg.InitTokenTTL),
		}
		if err := tx.CreateSession(ctx, sess); err != nil {
			return err
		}
		if expectedSealed != nil {
			if err := tx.PutExpectedIdentity(ctx, p.ID, sess.PartnerUserID, expectedSealed, tx.Now().Add(m.cfg.IdentityRetention)); err != nil {
				return err
			}
		}
		expires := timestamppb.New(sess.ExpiresAt.Truncate(time.Second))
		var outcome []byte
		if kind == TokenTypeSession {
			res = &partnerv1.CreateSessionResponse{
				MerchantTransactionId: sess.ID, WidgetId: p.WidgetID, InitToken: token, InitTokenType: kind,
				PartnerUserId: sess.PartnerUserID, Order: accepted, ExpiresAt: expires, WidgetUrl: m.WidgetURL(p.WidgetID, token),
			}
			outcome, err = proto.Marshal(res)
		} else {
			detail := &kycv1.KycRequired{PartnerUserId: sess.PartnerUserID, InitToken: token, InitTokenType: kind,
				WidgetId: p.WidgetID, WidgetUrl: m.WidgetURL(p.WidgetID, token), ExpiresAt: expires}
			kycErr = kycRequired(detail)
			outcome, err = proto.Marshal(detail)
		}
		if err != nil || idemKey == "" {
			return err
		}
		slug := "ok"
		if kycErr != nil {
			slug = string(apierr.KycRequired)
		}
		sealed, err := m.seal.Seal(outcome, idemAAD(p.ID, idemKey))
		if err != nil {
			return err
		}
		return tx.PutIdempotency(ctx, p.ID, idemKey, store.IdemRecord{
			RequestHash: reqHash[:], Outcome: slug, Response: sealed, ExpiresAt: tx.Now().Add(m.cfg.IdempotencyTTL),
			PartnerUserID: sess.PartnerUserID})
	})
	if err != nil {
		return nil, err
	}
	if kycErr != nil {
		return nil, kycErr
	}
	return res, nil
}

// WidgetURL is the address that opens the widget; the token travels in the fragment so
// it never reaches a server log or a Referer header.
func (m *Manager) WidgetURL(widgetID, token string) string {
	return m.cfg.PublicURL + "/embed/app?widget_id=" + url.QueryEscape(widgetID) + "#token=" + token
}

func (m *Manager) replay(partnerID, key string, rec store.IdemRecord) (*partnerv1.CreateSessionResponse, *apierr.Error, error) {
	plain, err := m.seal.Open(rec.Response, idemAAD(partnerID, key))
	if err != nil {
		return nil, nil, err
	}
	if rec.Outcome == string(apierr.KycRequired) {
		detail := &kycv1.KycRequired{}
		if err := proto.Unmarshal(plain, detail); err != nil {
			return nil, nil, err
		}
		return nil, kycRequired(detail), nil
	}
	res := &partnerv1.CreateSessionResponse{}
	return res, nil, proto.Unmarshal(plain, res)
}

func kycRequired(d *kycv1.KycRequired) *apierr.Error {
	return &apierr.Error{Code: apierr.KycRequired, Message: KycRequiredMessage,
		Metadata: map[string]string{"partner_user_id": d.GetPartnerUserId()}, Detail: d}
}

func idemAAD(partnerID, key string) []byte { return []byte("idempotency:" + partnerID + ":" + key) }

func validateSession(req *partnerv1.CreateSessionRequest, testMode bool) (*kycv1.Order, error) {
	if err := kyc.ValidateUserID(req.GetPartnerUserId()); err != nil {
		return nil, fieldErr(err)
	}
	email := strings.TrimSpace(req.GetUserEmail())
	if email == "" {
		return nil, apierr.Invalid("user_email", "is required")
	}
	if at := strings.IndexByte(email, '@'); at < 1 || at == len(email)-1 || len(email) > 254 || strings.ContainsAny(email, " \t\r\n") {
		return nil, apierr.Invalid("user_email", "must be an email address")
	}
	if ip := req.GetClientIp(); ip != "" && net.ParseIP(ip) == nil {
		return nil, apierr.Invalid("client_ip", "must be an IPv4 or IPv6 address")
	}
	accepted, err := order.Normalize(&kycv1.Order{
		Type: req.GetType(), Currency: req.GetCurrency(), Network: req.GetNetwork(), FiatCurrency: req.GetFiatCurrency(),
		FiatAmount: req.GetFiatAmount(), Amount: req.GetAmount(), WalletAddress: req.GetWalletAddress(), RedirectUrl: req.GetRedirectUrl(),
	}, testMode)
	if err != nil {
		return nil, fieldErr(err)
	}
	return accepted, nil
}

func validateIdemKey(k string) error {
	if len(k) > 255 || strings.ContainsFunc(k, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		return apierr.Invalid("Idempotency-Key", "must be at most 255 printable ASCII characters")
	}
	return nil
}

func fieldErr(err error) error {
	if fe, ok := err.(*kyc.FieldError); ok {
		return apierr.Invalid(fe.Field, fe.Reason)
	}
	return err
}
