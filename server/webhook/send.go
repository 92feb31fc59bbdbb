package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/rampart-id/rampart/server/store"
)

// Standard Webhooks 1.0 header names.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// send POSTs the stored body once and returns the response status (0 without a response).
// A nil error means a 2xx.
func (d *Deliverer) send(ctx context.Context, ev store.WebhookDelivery) (int, error) {
	if ev.URL == "" {
		return 0, errors.New("the partner has no webhook URL")
	}
	client := d.test
	if !ev.TestMode {
		client = d.live
		// A URL stored before the address rules (or edited in the database) is held to
		// them too; the message leaves the URL out, it may carry credentials.
		if err := CheckURL(ctx, ev.URL, true, nil); err != nil {
			return 0, errors.New("webhook URL refused: a live partner's webhook must be a public https URL")
		}
	}
	keys, err := d.signingKeys(ev)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ev.URL, bytes.NewReader(ev.Payload))
	if err != nil {
		return 0, errors.New("invalid webhook URL")
	}
	// The timestamp is taken at send time, so a captured delivery goes stale (receivers
	// reject old timestamps) while the id and body stay those of the event.
	ts := d.now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set(HeaderID, ev.ID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(ev.ID, ts, ev.Payload, keys...))
	resp, err := client.Do(req)
	if err != nil {
		return 0, sendError(ctx, err)
	}
	defer resp.Body.Close()
	// Read (a bounded part of) the answer so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}

// sendError describes a failed request without its URL, which may hold a partner's
// credentials in its query.
func sendError(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return errors.New("timeout: no response in time")
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// signingKeys opens the partner's current secret and, during a rotation's grace period,
// the previous one: both sign, so receivers still on the old secret keep verifying.
func (d *Deliverer) signingKeys(ev store.WebhookDelivery) ([][]byte, error) {
	key, err := d.openKey(ev.Secret, ev.PartnerID)
	if err != nil {
		return nil, err
	}
	keys := [][]byte{key}
	if len(ev.OldSecret) > 0 && d.now().Before(ev.OldSecretExpiresAt) {
		old, err := d.openKey(ev.OldSecret, ev.PartnerID)
		if err != nil {
			return nil, err
		}
		keys = append(keys, old)
	}
	return keys, nil
}

func (d *Deliverer) openKey(sealed []byte, partnerID string) ([]byte, error) {
	secret, err := d.keys.Open(sealed, AAD(partnerID))
	if err != nil {
		return nil, fmt.Errorf("opening the webhook secret: %w", err)
	}
	return SigningKey(string(secret))
}

// SigningKey is the HMAC key of a "whsec_…" secret, decoded exactly as the Standard
// Webhooks libraries decode it: standard base64 after the prefix.
func SigningKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil || len(key) == 0 {
		return nil, errors.New("the webhook secret is not whsec_ + base64 (rotate it: rampart webhook rotate-secret)")
	}
	return key, nil
}

// Sign returns a webhook-signature header value: "v1,<base64 HMAC-SHA256(key,
// "<id>.<timestamp>.<body>")>" per key, space separated.
func Sign(id string, timestamp int64, body []byte, keys ...[]byte) string {
	sigs := make([]string, len(keys))
	for i, k := range keys {
		mac := hmac.New(sha256.New, k)
		fmt.Fprintf(mac, "%s.%d.", id, timestamp)
		mac.Write(body)
		sigs[i] = "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	}
	return strings.Join(sigs, " ")
}
