// Package redact erases a user's personal data on request, for partners (their own
// users) and for admin operators, with an audit entry and a kyc.redacted webhook.
package redact

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/apierr"
	"github.com/rampart-id/rampart/server/audit"
	"github.com/rampart-id/rampart/server/store"
)

// Redactor erases users' personal data.
type Redactor struct{ st *store.Store }

// New returns a Redactor over the store (the webhook goes through the store's outbox).
func New(st *store.Store) *Redactor { return &Redactor{st: st} }

// User erases the user's personal data. It is idempotent: a repeat succeeds, changes
// nothing and sends no second webhook. An operator must be an admin; a partner may only
// name its own users (another partner's user is not_found, like an unknown one).
func (r *Redactor) User(ctx context.Context, a audit.Actor, partnerID, userID string) error {
	_, err := r.Redact(ctx, a, partnerID, userID)
	return err
}

// Redact is User that also says when the user was (first) redacted.
func (r *Redactor) Redact(ctx context.Context, a audit.Actor, partnerID, userID string) (time.Time, error) {
	if err := allowed(a, partnerID); err != nil {
		return time.Time{}, err
	}
	if err := kyc.ValidateUserID(userID); err != nil {
		var fe *kyc.FieldError
		if errors.As(err, &fe) {
			return time.Time{}, apierr.Invalid(fe.Field, fe.Reason)
		}
		return time.Time{}, err
	}
	var res store.Redaction
	err := r.st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if res, err = tx.RedactUser(ctx, partnerID, userID); errors.Is(err, store.ErrNotFound) {
			return apierr.New(apierr.NotFound, "No such user")
		} else if err != nil {
			return err
		}
		detail := ""
		if !res.First {
			detail = "already redacted"
		}
		return tx.AppendAudit(ctx, a.Entry(audit.UserRedact, "", partnerID, userID, detail))
	})
	return res.RedactedAt, err
}

// allowed: admins redact any partner's users, partners only their own.
func allowed(a audit.Actor, partnerID string) error {
	switch {
	case strings.HasPrefix(a.ID, "operator:"):
		if a.Role != store.RoleAdmin {
			return apierr.New(apierr.Forbidden, "Only an admin may redact a user")
		}
		return nil
	case strings.HasPrefix(a.ID, "partner:"):
		if a.ID != "partner:"+partnerID {
			return apierr.New(apierr.NotFound, "No such user")
		}
		return nil
	}
	return apierr.New(apierr.Forbidden, "Unknown actor")
}
