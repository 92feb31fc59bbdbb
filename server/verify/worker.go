package verify

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"os"
	"time"

	"github.com/rampart-id/rampart/quality"
	"github.com/rampart-id/rampart/server/imageintake"
	"github.com/rampart-id/rampart/server/store"
)

// Opener decrypts sealed images (the vault keyring).
type Opener interface {
	Open(envelope, associatedData []byte) ([]byte, error)
}

// Worker claims verification jobs and decides cases. Any number of workers, in any
// number of processes, may share one database: a job is leased to one worker at a time,
// and the decision commits only while the lease is held.
type Worker struct {
	Store *store.Store
	Keys  Opener
	Log   *slog.Logger
	ID    string        // names this worker in leases; default host:pid
	Lease time.Duration // how long a claim lasts; a crashed worker's job is retaken after it
	Poll  time.Duration // idle wait between claims
	// Hold, when set, runs after a claim and before checks (tests use it to kill a worker
	// in the middle of a job).
	Hold func(ctx context.Context, j store.Job)
	// MaxAttempts bounds retries of a job that keeps erroring; the case then goes to review.
	MaxAttempts int
}

func (w *Worker) defaults() {
	if w.ID == "" {
		host, _ := os.Hostname()
		w.ID = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	if w.Lease == 0 {
		w.Lease = 30 * time.Second
	}
	if w.Poll == 0 {
		w.Poll = 200 * time.Millisecond
	}
	if w.MaxAttempts == 0 {
		w.MaxAttempts = 8
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
		job, ok, err = tx.ClaimJob(ctx, w.ID, w.Lease)
		return err
	})
	if err != nil || !ok {
		return false, err
	}
	if w.Hold != nil {
		w.Hold(ctx, job)
	}
	start := time.Now()
	outcome, err := w.process(ctx, job)
	if err != nil {
		if errors.Is(err, store.ErrLeaseLost) {
			w.Log.Warn("job lease lost; another worker owns it", "job", job.ID)
			return true, nil
		}
		return true, w.retry(ctx, job, err)
	}
	w.Log.Info("case decided", "job", job.ID, "case", job.CaseID, "outcome", string(outcome), "attempt", job.Attempts,
		"ms", time.Since(start).Milliseconds())
	return true, nil
}

func (w *Worker) retry(ctx context.Context, job store.Job, cause error) error {
	w.Log.Error("verification job failed", "job", job.ID, "attempt", job.Attempts, "error", cause.Error())
	backoff := min(time.Duration(1<<min(job.Attempts, 10))*time.Second, 10*time.Minute)
	return w.Store.InTx(ctx, func(tx *store.Tx) error {
		if job.Attempts >= w.MaxAttempts {
			// Give up on automation: a human looks at it.
			if err := tx.MarkForReview(ctx, job.CaseID, []string{"verification_error"}); err != nil {
				return err
			}
			return tx.FinishJob(ctx, job)
		}
		return tx.RetryJob(ctx, job, backoff, cause.Error())
	})
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
	res := Evaluate(in)
	if forced, ok := TestOverride(partner.TestMode, c.PartnerUserID); ok {
		res.Outcome = forced
		if forced == Failed {
			res.Reasons = []string{ReasonTestForced}
		} else if forced == InReview {
			res.Reasons = []string{"test_forced_review"}
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
		if res.Outcome == InReview {
			return tx.MarkForReview(ctx, c.ID, res.Reasons)
		}
		_, err = Apply(ctx, tx, cur, Decision{Outcome: res.Outcome, Reasons: res.Reasons, Actor: "verifier"})
		return err
	})
	return res.Outcome, err
}

// load decrypts and decodes the case's images and looks for reuse of its documents.
func (w *Worker) load(ctx context.Context, c store.Case) (Input, error) {
	rd := w.Store.Read()
	imgs, err := rd.CaseImages(ctx, c.ID, true)
	if err != nil {
		return Input{}, err
	}
	in := Input{DocumentType: c.DocumentType, DurationMS: c.LivenessMS}
	var docs []store.Image
	for _, im := range imgs {
		img, err := w.decode(ctx, im)
		if err != nil {
			return in, err
		}
		switch im.Kind {
		case store.ImageFront:
			in.Front = img
			docs = append(docs, im)
		case store.ImageBack:
			in.Back = img
			docs = append(docs, im)
		case store.ImageLiveness:
			in.Frames = append(in.Frames, img)
		}
	}
	in.Reused, err = w.reused(ctx, c, docs, in)
	return in, err
}

// reused finds another user's document image with a close perceptual hash and confirms
// it pixel by pixel; a candidate whose bytes were purged counts as reuse (uncertain →
// review).
func (w *Worker) reused(ctx context.Context, c store.Case, docs []store.Image, in Input) (bool, error) {
	if len(docs) == 0 {
		return false, nil
	}
	others, err := w.Store.Read().DocumentHashes(ctx, c.PartnerID, c.PartnerUserID)
	if err != nil {
		return false, err
	}
	for _, d := range docs {
		mine := in.Front
		if d.Kind == store.ImageBack {
			mine = in.Back
		}
		for _, o := range others {
			if quality.HammingDistance(d.PHash, o.PHash) > ReuseMaxHamming {
				continue
			}
			sealed, err := w.Store.Read().ImageData(ctx, o.ID)
			if err != nil {
				return false, err
			}
			if sealed == nil {
				return true, nil
			}
			o.Sealed = sealed
			theirs, err := w.decode(ctx, o)
			if err != nil {
				return false, err
			}
			if same, _ := SamePicture(mine, theirs); same {
				return true, nil
			}
		}
	}
	return false, nil
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
