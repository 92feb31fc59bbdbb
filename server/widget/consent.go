package widget

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	widgetv1 "github.com/rampart-id/rampart/gen/rampart/widget/v1"
	"github.com/rampart-id/rampart/locale"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/store"
)

// Retention is what the consent screen tells the user about how long their data is
// kept: the server's configured purge policy, in days.
type Retention struct {
	ImageDays    int
	IdentityDays int
}

// RecordConsent stores, on the user's open case, that they agreed to the consent text
// of the given language (its version is locale.ConsentVersion).
func (m *Manager) RecordConsent(ctx context.Context, w auth.WidgetPrincipal, lang string) (*widgetv1.RecordConsentResponse, error) {
	if !locale.Supported(lang) {
		return nil, apierr.Invalid("language", "must be a language the widget speaks (such as en or es)")
	}
	version := locale.ConsentVersion(lang)
	var res *widgetv1.RecordConsentResponse
	err := m.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := m.openCase(ctx, tx, w)
		if err != nil {
			return err
		}
		if err := tx.RecordConsent(ctx, c.ID, version); err != nil {
			return err
		}
		res = &widgetv1.RecordConsentResponse{ConsentedAt: timestamppb.New(tx.Now()), TextVersion: version}
		return nil
	})
	return res, err
}

// errNoConsent refuses capture before the user agreed: nothing of theirs is stored
// without it.
var errNoConsent = apierr.New(apierr.ConsentRequired, "Please read and accept how your data is used before taking photos")

// consented refuses a case the user has not agreed to.
func consented(c store.Case) error {
	if c.ConsentedAt.IsZero() {
		return errNoConsent
	}
	return nil
}
