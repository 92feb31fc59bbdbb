package store

import "context"

// enqueueStatusEvent writes the kyc.status_changed outbox row for a transition.
// Placeholder until the webhook outbox lands (issue 4); it writes nothing yet.
func (t *Tx) enqueueStatusEvent(ctx context.Context, before, after Profile) error { return nil }
