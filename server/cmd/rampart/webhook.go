package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/webhook"
)

const webhookUsage = `usage:
  rampart webhook redeliver --event-id msg_…
  rampart webhook redeliver --partner-id ID --since 2026-01-01T00:00:00Z
  rampart webhook rotate-secret --partner-id ID [--grace 24h]
  rampart webhook list --partner-id ID [--since TIME] [--limit 100]`

func webhookCmd(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New(webhookUsage)
	}
	fs := flag.NewFlagSet("webhook "+args[0], flag.ContinueOnError)
	var c common
	c.register(fs)
	eventID := fs.String("event-id", "", "the event to redeliver (its webhook-id, msg_…)")
	partnerID := fs.String("partner-id", "", "partner id")
	sinceFlag := fs.String("since", "", "RFC 3339 time: events created at or after it (redeliver, list)")
	grace := fs.Duration("grace", 24*time.Hour, "how long the current secret keeps signing too (rotate-secret)")
	limit := fs.Int("limit", 100, "at most this many events (list)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	var since time.Time
	if *sinceFlag != "" {
		var err error
		if since, err = time.Parse(time.RFC3339, *sinceFlag); err != nil {
			return fmt.Errorf("--since: %w", err)
		}
	}
	if *partnerID != "" {
		id, err := partnerIDFlag(*partnerID)
		if err != nil {
			return err
		}
		*partnerID = id
	}
	st, err := c.openMigrated(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	switch args[0] {
	case "redeliver":
		// Sealing is not needed to redeliver: the stored body is sent again as it is.
		a := webhook.NewAdmin(st, nil)
		switch {
		case *eventID != "" && *partnerID == "" && *sinceFlag == "":
			if err := a.Redeliver(ctx, *eventID); errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("no webhook event %q", *eventID)
			} else if err != nil {
				return err
			}
			return enc.Encode(map[string]any{"redelivered": 1, "event_id": *eventID})
		case *eventID == "" && *partnerID != "" && *sinceFlag != "":
			n, err := a.RedeliverSince(ctx, *partnerID, since)
			if err != nil {
				return err
			}
			return enc.Encode(map[string]any{"redelivered": n, "partner_id": *partnerID, "since": since.UTC().Format(time.RFC3339)})
		}
		return errors.New("redeliver needs either --event-id, or --partner-id and --since\n" + webhookUsage)
	case "rotate-secret":
		if *partnerID == "" {
			return errors.New("rotate-secret needs --partner-id")
		}
		keys, err := c.keyring(st, newLogger())
		if err != nil {
			return err
		}
		secret, err := webhook.NewAdmin(st, keys).RotateSecret(ctx, *partnerID, *grace)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no partner %q", *partnerID)
		} else if err != nil {
			return err
		}
		return enc.Encode(map[string]string{"partner_id": *partnerID, "webhook_secret": secret,
			"old_secret_expires_at": time.Now().Add(*grace).UTC().Format(time.RFC3339)})
	case "list":
		if *partnerID == "" {
			return errors.New("list needs --partner-id")
		}
		events, err := webhook.NewAdmin(st, nil).Events(ctx, *partnerID, since, *limit)
		if err != nil {
			return err
		}
		return enc.Encode(eventViews(events))
	}
	return fmt.Errorf("unknown webhook command %q\n%s", args[0], webhookUsage)
}

// eventView is what `webhook list` prints: the delivery state, never the body (it names
// the user).
type eventView struct {
	ID            string `json:"event_id"`
	Type          string `json:"type"`
	Sequence      int64  `json:"sequence"`
	State         string `json:"state"`
	Attempts      int    `json:"attempts"`
	LastStatus    int    `json:"last_status,omitempty"`
	LastError     string `json:"last_error,omitempty"`
	CreatedAt     string `json:"created_at"`
	NextAttemptAt string `json:"next_attempt_at,omitempty"`
	DeliveredAt   string `json:"delivered_at,omitempty"`
}

func eventViews(events []store.WebhookEvent) []eventView {
	out := make([]eventView, 0, len(events))
	for _, e := range events {
		v := eventView{ID: e.ID, Type: e.Type, Sequence: e.Seq, State: e.State, Attempts: e.Attempts,
			LastStatus: e.LastStatus, LastError: e.LastError, CreatedAt: e.CreatedAt.Format(time.RFC3339)}
		if e.State == store.WebhookPending {
			v.NextAttemptAt = e.NextAttemptAt.Format(time.RFC3339)
		}
		if !e.DeliveredAt.IsZero() {
			v.DeliveredAt = e.DeliveredAt.Format(time.RFC3339)
		}
		out = append(out, v)
	}
	return out
}
