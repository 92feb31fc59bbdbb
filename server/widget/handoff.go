package widget

import (
	"context"
	"errors"
	"image/color"
	"net/url"
	"time"

	"github.com/boombuler/barcode/qr"
	"google.golang.org/protobuf/types/known/timestamppb"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/store"
)

// HandoffTTL is how long a "continue on your phone" link works: long enough to find
// the phone and scan, short enough that a photographed screen is soon useless.
const HandoffTTL = 10 * time.Minute

var (
	errHandoffBad  = apierr.New(apierr.Unauthorized, "This phone link is not valid. Start again from your computer.")
	errHandoffUsed = apierr.New(apierr.SessionAlreadyUsed, "This phone link was already used. Show a new code on your computer.")
	errHandoffOld  = apierr.New(apierr.SessionExpired, "This phone link has expired. Show a new code on your computer.")
)

// CreateHandoff issues a single-use code for the widget's session and user, as a link
// to the widget page and its QR code. The code is a tagged token (guesses are throttled
// before any look-up) stored only as its hash.
func (m *Manager) CreateHandoff(ctx context.Context, w auth.WidgetPrincipal) (*widgetv1.CreateHandoffResponse, error) {
	tok, hash := m.auth.Tokens.New(auth.PrefixHandoff)
	var expires time.Time
	err := m.store.InTx(ctx, func(tx *store.Tx) error {
		prof, err := tx.Profile(ctx, w.Token.PartnerID, w.Token.PartnerUserID)
		if err != nil {
			return err
		}
		if err := canSubmit(prof, w.Partner.MaxAttempts); err != nil {
			return err
		}
		expires = tx.Now().Add(HandoffTTL)
		return tx.CreateHandoff(ctx, hash, store.Handoff{SessionID: w.Token.SessionID, PartnerID: w.Token.PartnerID,
			PartnerUserID: w.Token.PartnerUserID, ExpiresAt: expires})
	})
	if err != nil {
		return nil, err
	}
	link := m.PublicURL + "/embed/app?widget_id=" + url.QueryEscape(w.Partner.WidgetID) + "#handoff=" + tok
	size, modules, err := qrModules(link)
	if err != nil {
		return nil, err
	}
	return &widgetv1.CreateHandoffResponse{Url: link, ExpiresAt: timestamppb.New(expires), QrSize: int32(size), QrModules: modules,
		ValidSeconds: int32(HandoffTTL.Seconds())}, nil
}

// qrModules encodes s as a QR code (error correction M: a phone camera reads it off a
// screen with glare), one byte per module.
func qrModules(s string) (int, []byte, error) {
	code, err := qr.Encode(s, qr.M, qr.Auto)
	if err != nil {
		return 0, nil, err
	}
	n := code.Bounds().Dx()
	out := make([]byte, n*n)
	for y := range n {
		for x := range n {
			if code.At(x, y) == color.Black {
				out[y*n+x] = 1
			}
		}
	}
	return n, out, nil
}

// RedeemHandoff exchanges a handoff code, once, for a new widget token of the same
// session and user: the phone then works on the same case and order.
func (m *Manager) RedeemHandoff(ctx context.Context, code, widgetID string) (*widgetv1.RedeemHandoffResponse, error) {
	if err := m.auth.Admit(ctx, code, auth.PrefixHandoff); err != nil {
		if e, ok := apierr.As(err); ok && e.Code == apierr.RateLimitExceeded {
			return nil, err
		}
		return nil, errHandoffBad
	}
	hash := auth.Hash(code)
	var res *widgetv1.StartSessionResponse
	err := m.store.InTx(ctx, func(tx *store.Tx) error {
		h, err := tx.HandoffByHash(ctx, hash)
		if errors.Is(err, store.ErrNotFound) {
			return errHandoffBad
		}
		if err != nil {
			return err
		}
		switch {
		case !h.UsedAt.IsZero():
			return errHandoffUsed
		case !tx.Now().Before(h.ExpiresAt):
			return errHandoffOld
		}
		p, err := tx.PartnerByID(ctx, h.PartnerID)
		if err != nil {
			return err
		}
		if widgetID != "" && widgetID != p.WidgetID {
			return errOtherWidget
		}
		sess, err := tx.SessionByID(ctx, h.SessionID)
		if err != nil {
			return err
		}
		if ok, err := tx.UseHandoff(ctx, hash); err != nil {
			return err
		} else if !ok {
			return errHandoffUsed
		}
		res, err = m.open(ctx, tx, sess, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &widgetv1.RedeemHandoffResponse{Session: res}, nil
}
