package verify

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"os"
	"time"

	"github.com/rampart-id/rampart/kyc"
	"github.com/rampart-id/rampart/server/imageintake"
	"github.com/rampart-id/rampart/server/store"
)

// Keys seals and opens images, face templates and identities, and keys the
// duplicate-document index (the vault keyring).
type Keys interface {
	Seal(plaintext, associatedData []byte) ([]byte, error)
	Open(envelope, associatedData []byte) ([]byte, error)
	IndexKeys() [][]byte
}

// How long identities read from documents are kept (the AML record period) unless
// redacted, in days and as a duration.
const (
	DefaultIdentityRetentionDays = 1825
	DefaultIdentityRetention     = DefaultIdentityRetentionDays * 24 * time.Hour
)

// Job limits. A case whose processing never finishes in time (images that decode
// slowly, a worker that stalls or crashes on it) must not be retried forever, nor hold
// a worker for long: each claim is an attempt, each attempt has a time budget, and
// after MaxJobAttempts a human reviews the case.
const (
	MaxJobAttempts   = 3
	DefaultJobBudget = 20 * time.Second
	DefaultJobLease  = 30 * time.Second
)

// errBudget is the cause of a job's context ending because its time budget ran out.
var errBudget = errors.New("verification time budget exceeded")

// Worker claims verification jobs and decides cases. Any number of workers, in any
// number of processes, may share one database: a job is leased to one worker at a time,
// and the decision commits only while the lease is held.
//
// The lease is renewed while the job is worked on, until its Budget runs out. So Lease
// only sets how soon a crashed or frozen worker's job is taken over, and a job that is
// slow but within budget is never worked twice at once. The renewals stop with the
// budget, so even work that ignored its context loses the lease at most Lease after
// the budget, and the takeover counts as another attempt.
type Worker struct {
	Store  *store.Store
	Keys   Keys
	Log    *slog.Logger
	ID     string        // names this worker in leases; default host:pid
	Lease  time.Duration // how long a claim lasts unless renewed (DefaultJobLease)
	Budget time.Duration // how long one attempt may take (DefaultJobBudget)
	Poll   time.Duration // idle wait between claims
	// IdentityRetention: how long a case's identity and document keys are kept
	// (DefaultIdentityRetention).
	IdentityRetention time.Duration
	// Hold, when set, runs after a claim and before checks, within the budget but with
	// the lease not renewed (tests use it to stall or kill a worker in the middle of a
	// job).
	Hold func(ctx context.Context, j store.Job)
}

func (w *Worker) defaults() {
	if w.ID == "" {
		host, _ := os.Hostname()
		w.ID = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	if w.Lease <= 0 {
		w.Lease = DefaultJobLease
	}
	if w.Budget <= 0 {
		w.Budget = DefaultJobBudget
	}
	if w.IdentityRetention <= 0 {
		w.IdentityRetention = DefaultIdentityRetention
	}
	if w.Poll == 0 {
		w.Poll = 200 * time.Millisecond
	}
	if w.Log == nil {
		w.Log = slog.Default()
	}
}

// Run works until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	w.defaults()
	for ctx.Err() == nil {
		did, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.Log.Error("verification worker", "worker", w.ID, "error", err.Error())
		}
		if !did || err != nil {
			select {
			case <-ctx.Done():
			case <-time.After(w.Poll):
			}
		}
	}
}

// RunOnce claims and processes one job; it reports whether there was one.
func (w *Worker) RunOnce(ctx context.Context) (bool, error) {
	w.defaults()
	var job store.Job
	var ok bool
	err := w.Store.InTx(ctx, func(tx *store.Tx) (err error) {
		job, ok, err = tx.ClaimJob(ctx, w.ID, w.Lease, MaxJobAttempts)
		if err != nil || !ok || !job.Exhausted {
			return err
		}
		return toReview(ctx, tx, job, fmt.Sprintf("no result after %d attempts (lease expired)", job.Attempts))
	})
	if err != nil || !ok {
		return false, err
	}
	if job.Exhausted {
		w.Log.Warn("verification job exhausted its attempts; case sent to review", "job", job.ID, "case", job.CaseID,
			"attempts", job.Attempts)
		return true, nil
	}
	start := time.Now()
	outcome, err := w.attempt(ctx, job)
	switch {
	case err == nil:
		w.Log.Info("case decided", "job", job.ID, "case", job.CaseID, "outcome", string(outcome), "attempt", job.Attempts,
			"ms", time.Since(start).Milliseconds())
		return true, nil
	case errors.Is(err, store.ErrLeaseLost):
		w.Log.Warn("job lease lost; another worker owns it", "job", job.ID)
		return true, nil
	case ctx.Err() != nil:
		// Shutting down: hand the job back without counting the attempt.
		rel, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		return true, w.Store.InTx(rel, func(tx *store.Tx) error { return tx.ReleaseJob(rel, job) })
	}
	return true, w.retry(ctx, job, err)
}

// attempt processes the job within its time budget, renewing the lease meanwhile.
func (w *Worker) attempt(ctx context.Context, job store.Job) (Outcome, error) {
	jctx, lost := context.WithCancelCause(ctx)
	defer lost(nil)
	jctx, cancel := context.WithTimeoutCause(jctx, w.Budget, errBudget)
	defer cancel()
	if w.Hold != nil {
		w.Hold(jctx, job)
	}
	renewed := make(chan struct{})
	go func() { defer close(renewed); w.renew(jctx, job, lost) }()
	outcome, err := w.process(jctx, job)
	if err != nil && jctx.Err() != nil && ctx.Err() == nil {
		// Report why the job's context ended (budget, lease lost) rather than how it
		// surfaced in whatever step was running.
		err = context.Cause(jctx)
		if errors.Is(err, errBudget) {
			err = fmt.Errorf("%w (%v)", err, w.Budget)
		}
	}
	cancel()
	<-renewed
	return outcome, err
}

// renew extends the lease every third of it until ctx ends; when another worker has
// taken the job over it cancels the work.
func (w *Worker) renew(ctx context.Context, job store.Job, lost context.CancelCauseFunc) {
	t := time.NewTicker(max(w.Lease/3, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := w.Store.Read().ExtendLease(ctx, job, w.Lease)
		switch {
		case errors.Is(err, store.ErrLeaseLost):
			lost(err)
			return
		case err != nil && ctx.Err() == nil:
			w.Log.Warn("renewing job lease", "job", job.ID, "error", err.Error())
		}
	}
}

func (w *Worker) retry(ctx context.Context, job store.Job, cause error) error {
	w.Log.Error("verification job failed", "job", job.ID, "case", job.CaseID, "attempt", job.Attempts, "error", cause.Error())
	backoff := min(time.Duration(1<<min(job.Attempts, 10))*time.Second, 10*time.Minute)
	return w.Store.InTx(ctx, func(tx *store.Tx) error {
		if job.Attempts >= MaxJobAttempts {
			return toReview(ctx, tx, job, cause.Error())
		}
		return tx.RetryJob(ctx, job, backoff, cause.Error())
	})
}

// toReview gives up on automating the case: a human looks at it. The profile stays
// pending (no status change, so no webhook), as for any case routed to review.
func toReview(ctx context.Context, tx *store.Tx, job store.Job, why string) error {
	if err := tx.MarkForReview(ctx, job.CaseID, []string{kyc.ReasonVerificationError}); err != nil {
		return err
	}
	return tx.AbandonJob(ctx, job, why)
}

// process runs the checks outside any transaction, then commits the outcome in one
// transaction that first re-checks the lease.
func (w *Worker) process(ctx context.Context, job store.Job) (Outcome, error) {
	rd := w.Store.Read()
	c, err := rd.CaseByID(ctx, job.CaseID)
	if err != nil {
		return "", err
	}
	partner, err := rd.PartnerByID(ctx, c.PartnerID)
	if err != nil {
		return "", err
	}
	in, err := w.load(ctx, c)
	if err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", err // no budget left for the checks
	}
	in.MinAge = partner.MinAge
	ident, err := w.identity(ctx, c, &in)
	if err != nil {
		return "", err
	}
	res, err := Evaluate(in)
	if err != nil {
		return "", err
	}
	if len(res.Notes) > 0 {
		w.Log.Info("case checks", "job", job.ID, "case", job.CaseID, "notes", res.Notes)
	}
	if forced, ok := TestOverride(partner.TestMode, c.PartnerUserID); ok {
		res.Outcome = forced
		if forced == Failed {
			res.Reasons = []string{kyc.ReasonTestForced}
		} else if forced == InReview {
			res.Reasons = []string{kyc.ReasonTestForcedReview}
		}
	}
	var template []byte
	if res.Face != nil {
		if template, err = w.Keys.Seal(encodeDescriptor(res.Face), store.FaceTemplateAAD(c.ID)); err != nil {
			return "", err
		}
	}
	err = w.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.FinishJob(ctx, job); err != nil {
			return err
		}
		cur, err := tx.CaseByID(ctx, c.ID)
		if err != nil {
			return err
		}
		if cur.State != store.CaseSubmitted {
			return nil // a reviewer decided first
		}
		if err := tx.PutChecks(ctx, c.ID, res.Checks); err != nil {
			return err
		}
		if template != nil {
			if err := tx.PutFaceTemplate(ctx, c.ID, c.PartnerID, c.PartnerUserID, template); err != nil {
				return err
			}
		}
		if ident.sealed != nil {
			if err := tx.PutIdentity(ctx, c.ID, c.PartnerID, c.PartnerUserID, ident.sealed, ident.keys, tx.Now().Add(w.IdentityRetention)); err != nil {
				return err
			}
		}
		if res.Outcome == InReview {
			return tx.MarkForReview(ctx, c.ID, res.Reasons)
		}
		_, err = Apply(ctx, tx, cur, Decision{Outcome: res.Outcome, Reasons: res.Reasons, Actor: "verifier",
			Final: res.Outcome == Failed && kyc.IsFinal(res.Reasons)})
		return err
	})
	return res.Outcome, err
}

// load decrypts and decodes the case's images and the faces the partner verified.
func (w *Worker) load(ctx context.Context, c store.Case) (Input, error) {
	rd := w.Store.Read()
	imgs, err := rd.CaseImages(ctx, c.ID, true)
	if err != nil {
		return Input{}, err
	}
	in := Input{DocumentType: c.DocumentType, Challenge: c.Challenge, Now: w.Store.Now()}
	for _, im := range imgs {
		if err := ctx.Err(); err != nil {
			return in, err
		}
		img, err := w.decode(ctx, im)
		if err != nil {
			return in, err
		}
		switch im.Kind {
		case store.ImageFront:
			in.Front = img
		case store.ImageBack:
			in.Back = img
		case store.ImageLiveness:
			in.Frames = append(in.Frames, Frame{Image: img, AtMS: im.AtMS, Step: im.Step})
		}
	}
	in.Known, err = w.knownFaces(ctx, c)
	return in, err
}

// knownFaces opens the face templates of the partner's other verified users.
func (w *Worker) knownFaces(ctx context.Context, c store.Case) ([]Known, error) {
	ts, err := w.Store.Read().VerifiedFaceTemplates(ctx, c.PartnerID, c.PartnerUserID)
	if err != nil {
		return nil, err
	}
	out := make([]Known, 0, len(ts))
	for _, t := range ts {
		raw, err := w.Keys.Open(t.Sealed, store.FaceTemplateAAD(t.CaseID))
		if err != nil {
			return nil, err
		}
		d, err := decodeDescriptor(raw)
		if err != nil {
			return nil, err
		}
		out = append(out, Known{UserID: t.PartnerUserID, Descriptor: d})
	}
	return out, nil
}

func (w *Worker) decode(ctx context.Context, im store.Image) (image.Image, error) {
	if im.Sealed == nil {
		return nil, fmt.Errorf("image %s was purged", im.ID)
	}
	raw, err := w.Keys.Open(im.Sealed, store.ImageAAD(im.ID))
	if err != nil {
		return nil, err
	}
	// Stored images were vetted and re-encoded at intake; the limits stay as a
	// backstop, with room for images stored before re-encoding. The job waits
	// for a decode slot (as long as its context allows) rather than fail.
	img, _, err := imageintake.Decode(ctx, raw, imageintake.Limits{MaxBytes: 16 << 20, MaxPixels: 25_000_000, MaxSide: 12000, MinSide: 16,
		MaxDecodeBytes: 256 << 20, QueueWait: imageintake.WaitForSlot})
	if err != nil {
		return nil, err
	}
	return img, nil
}
