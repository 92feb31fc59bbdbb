package app

import (
	"context"
	"sync"
	"time"

	"github.com/rampart-id/rampart/server/store"
	"github.com/rampart-id/rampart/server/verify"
)

// RunBackground runs the verification workers and the retention purge until ctx ends.
func (a *App) RunBackground(ctx context.Context) {
	var wg sync.WaitGroup
	for i := 0; i < a.cfg.Workers; i++ {
		w := &verify.Worker{Store: a.Store, Keys: a.keys, Log: a.log, Hold: a.cfg.WorkerHold,
			Lease: a.cfg.WorkerLease, Budget: a.cfg.JobBudget, IdentityRetention: days(a.cfg.IdentityRetentionDays)}
		wg.Go(func() { w.Run(ctx) })
	}
	wg.Go(func() { a.purgeLoop(ctx) })
	wg.Wait()
}

// purgeLoop runs the retention pass every 10 minutes: document images RetentionDays
// after their case was decided (the decision, checks and history stay), cases never
// submitted with their images after RetentionDays without activity, sessions and widget
// tokens older than RetentionDays, expired idempotency records and finished webhook
// events older than the retention period.
func (a *App) purgeLoop(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		if _, err := a.PurgeImages(ctx); err != nil && ctx.Err() == nil {
			a.log.Error("retention purge", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// PurgeImages runs one retention pass and reports how many images of decided cases it
// purged.
func (a *App) PurgeImages(ctx context.Context) (int64, error) {
	var n, sessions, abandoned int64
	err := a.Store.InTx(ctx, func(tx *store.Tx) (err error) {
		before := tx.Now().AddDate(0, 0, -a.cfg.RetentionDays)
		if n, err = tx.PurgeImages(ctx, before); err != nil {
			return err
		}
		// Expired idempotency records hold sealed replies nobody may replay any more, and
		// finished webhook events past retention name users nobody needs them for; nor
		// do old sessions (email, client IP, order) whose tokens have all expired.
		if _, err = tx.PurgeIdempotency(ctx); err != nil {
			return err
		}
		if _, err = tx.PurgeWebhookEvents(ctx, before); err != nil {
			return err
		}
		// Identities go when their own, longer, retention ends.
		if _, err = tx.PurgeIdentities(ctx); err != nil {
			return err
		}
		sessions, err = tx.PurgeSessions(ctx, before)
		return err
	})
	// Abandoned cases go in batches, each its own transaction, until none is left.
	for err == nil {
		var k int64
		err = a.Store.InTx(ctx, func(tx *store.Tx) (err error) {
			k, err = tx.PurgeAbandonedCases(ctx, tx.Now().AddDate(0, 0, -a.cfg.RetentionDays))
			return err
		})
		abandoned += k
		if k == 0 {
			break
		}
	}
	if n > 0 || sessions > 0 || abandoned > 0 {
		a.log.Info("retention purge", "images", n, "sessions", sessions, "abandoned_cases", abandoned)
	}
	return n, err
}
