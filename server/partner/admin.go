package partner

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/auth"
	"github.com/rampart-id/rampart/server/origin"
	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/webhook"
)

// NewPartner describes a partner to create.
type NewPartner struct {
	Name        string
	Origins     []string
	WebhookURL  string
	Test        bool
	MaxAttempts int // 0 means the default of 3
	// ShareIdentity lets the partner read its verified users' identity.
	ShareIdentity bool
	// MinAge is the youngest age accepted; 0 means kyc.DefaultMinAge.
	MinAge int
	// PrivacyURL is the partner's privacy policy, linked from the widget's consent screen.
	PrivacyURL string
	// SupportURL is where the partner's users get help, linked when no attempts are left.
	SupportURL string
}

// Created is what the operator is shown once: the secrets are not stored in clear.
type Created struct {
	PartnerID     string `json:"partner_id"`
	WidgetID      string `json:"widget_id"`
	ClientToken   string `json:"client_token"`
	WebhookSecret string `json:"webhook_secret"`
}

// CreatePartner registers a partner and returns its first client token and webhook secret.
func (m *Manager) CreatePartner(ctx context.Context, np NewPartner) (Created, error) {
	name := strings.TrimSpace(np.Name)
	if name == "" || len(name) > 200 {
		return Created{}, errors.New("partner name is required (at most 200 characters)")
	}
	origins := make([]string, 0, len(np.Origins))
	for _, o := range np.Origins {
		// http origins are for test-mode partners developing on localhost.
		n, err := origin.Parse(strings.TrimSpace(o), np.Test)
		if err != nil {
			return Created{}, err
		}
		if !slices.Contains(origins, n) {
			origins = append(origins, n)
		}
	}
	if np.WebhookURL != "" {
		// Live partners' webhooks must reach public https addresses; test-mode partners
		// may point at a local receiver.
		if err := webhook.CheckURL(ctx, np.WebhookURL, !np.Test, net.DefaultResolver); err != nil {
			return Created{}, err
		}
	}
	if np.MaxAttempts == 0 {
		np.MaxAttempts = 3
	}
	if np.MaxAttempts < 1 || np.MaxAttempts > 100 {
		return Created{}, errors.New("max attempts must be between 1 and 100")
	}
	if np.MinAge == 0 {
		np.MinAge = kyc.DefaultMinAge
	}
	if np.MinAge < 1 || np.MinAge > 120 {
		return Created{}, errors.New("min age must be between 1 and 120")
	}
	if err := checkLinks(&np.PrivacyURL, &np.SupportURL, np.Test); err != nil {
		return Created{}, err
	}
	prefix := auth.PrefixLive
	if np.Test {
		prefix = auth.PrefixTest
	}
	token, hash := m.cfg.Tokens.New(prefix)
	secret := webhook.NewSecret()
	p := store.Partner{ID: uuid.NewString(), Name: name, WidgetID: newWidgetID(), TestMode: np.Test, Origins: origins,
		WebhookURL: np.WebhookURL, MaxAttempts: np.MaxAttempts, ShareIdentity: np.ShareIdentity, MinAge: np.MinAge,
		PrivacyURL: np.PrivacyURL, SupportURL: np.SupportURL}
	var err error
	if p.WebhookSecret, err = m.seal.Seal([]byte(secret), webhook.AAD(p.ID)); err != nil {
		return Created{}, err
	}
	err = m.store.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreatePartner(ctx, p, store.ClientToken{Hash: hash, DisplayPrefix: auth.DisplayPrefix(token)})
	})
	if err != nil {
		return Created{}, err
	}
	return Created{PartnerID: p.ID, WidgetID: p.WidgetID, ClientToken: token, WebhookSecret: secret}, nil
}

// checkLinks checks and normalises the partner's privacy and support URLs ("" is none).
func checkLinks(privacy, support *string, test bool) error {
	for _, l := range []struct {
		name string
		url  *string
	}{{"privacy URL", privacy}, {"support URL", support}} {
		if *l.url == "" {
			continue
		}
		u, err := origin.Link(*l.url, test)
		if err != nil {
			return fmt.Errorf("%s: %w", l.name, err)
		}
		*l.url = u
	}
	return nil
}

// Links are a partner's pages the widget links to; nil leaves one unchanged, "" removes it.
type Links struct {
	PrivacyURL, SupportURL *string
}

// UpdateLinks changes the partner's privacy policy and support URLs.
func (m *Manager) UpdateLinks(ctx context.Context, partnerID string, l Links) error {
	return m.store.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.PartnerByID(ctx, partnerID)
		if err != nil {
			return err
		}
		privacy, support := p.PrivacyURL, p.SupportURL
		if l.PrivacyURL != nil {
			privacy = strings.TrimSpace(*l.PrivacyURL)
		}
		if l.SupportURL != nil {
			support = strings.TrimSpace(*l.SupportURL)
		}
		if err := checkLinks(&privacy, &support, p.TestMode); err != nil {
			return err
		}
		return tx.SetPartnerLinks(ctx, p.ID, privacy, support)
	})
}

// UpdateWebhook changes where the partner's webhooks go ("" stops them), checked as at
// creation: a live partner's must be a public https address.
func (m *Manager) UpdateWebhook(ctx context.Context, partnerID, url string) error {
	p, err := m.store.Read().PartnerByID(ctx, partnerID)
	if err != nil {
		return err
	}
	url = strings.TrimSpace(url)
	if url != "" {
		if err := webhook.CheckURL(ctx, url, !p.TestMode, net.DefaultResolver); err != nil {
			return err
		}
	}
	return m.store.InTx(ctx, func(tx *store.Tx) error { return tx.SetPartnerWebhook(ctx, p.ID, url) })
}

// RotateToken issues a new client token; the partner's current tokens keep working for
// the grace period and then expire.
func (m *Manager) RotateToken(ctx context.Context, partnerID string, grace time.Duration) (string, error) {
	var token string
	err := m.store.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.PartnerByID(ctx, partnerID)
		if err != nil {
			return err
		}
		prefix := auth.PrefixLive
		if p.TestMode {
			prefix = auth.PrefixTest
		}
		var hash []byte
		token, hash = m.cfg.Tokens.New(prefix)
		if err := tx.ExpireClientTokens(ctx, p.ID, tx.Now().Add(grace)); err != nil {
			return err
		}
		return tx.AddClientToken(ctx, p.ID, store.ClientToken{Hash: hash, DisplayPrefix: auth.DisplayPrefix(token)})
	})
	return token, err
}

func newWidgetID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "wdg_" + hex.EncodeToString(b)
}
