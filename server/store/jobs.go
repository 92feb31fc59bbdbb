package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/google/uuid"
)

// ErrLeaseLost means another worker took the job over (our lease expired): the work
// done under the old lease must not be committed.
var ErrLeaseLost = errors.New("store: job lease lost")

// Job is a claimed verification job.
type Job struct {
	ID       string
	CaseID   string
	Attempts int    // claims so far, this one included
	Owner    string // lease owner token of this claim
	// Exhausted: the job already used every attempt and the last one ended without a
	// result (its worker crashed or stalled past the lease). The claim does not count
	// as another attempt; the claimer routes the case to manual review instead.
	Exhausted bool
}

// EnqueueVerification adds the job for a submitted case (in the submit transaction).
func (t *Tx) EnqueueVerification(ctx context.Context, caseID string) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO verification_jobs (id, case_id, state, run_after, created_at) VALUES ($1, $2, 'queued', $3, $3)`,
		uuid.NewString(), caseID, micros(t.now))
	return err
}

// ClaimJob takes the oldest due job whose lease is free or expired and leases it to
// owner until now+lease. Every claim counts as an attempt, so a job whose lease keeps
// running out (a worker that crashes or stalls on it) uses up its attempts like one
// that keeps erroring; a job that already had maxAttempts is returned Exhausted
// instead. On PostgreSQL/CockroachDB concurrent claimers skip each other's locked rows;
// SQLite transactions are single-writer, so the claim is serial there.
func (t *Tx) ClaimJob(ctx context.Context, owner string, lease time.Duration, maxAttempts int) (Job, bool, error) {
	q := `SELECT id, case_id, attempts FROM verification_jobs
		WHERE state IN ('queued', 'running') AND run_after <= $1 AND lease_until < $1
		ORDER BY run_after LIMIT 1`
	if t.dialect == Postgres {
		q += ` FOR UPDATE SKIP LOCKED`
	}
	var j Job
	err := t.q.QueryRowContext(ctx, q, micros(t.now)).Scan(&j.ID, &j.CaseID, &j.Attempts)
	if errors.Is(err, sql.ErrNoRows) {
		return j, false, nil
	}
	if err != nil {
		return j, false, err
	}
	if j.Attempts >= maxAttempts {
		j.Exhausted = true
	} else {
		j.Attempts++
	}
	j.Owner = owner + "/" + uuid.NewString()[:8]
	_, err = t.q.ExecContext(ctx, `UPDATE verification_jobs SET state = 'running', attempts = $2, lease_owner = $3, lease_until = $4 WHERE id = $1`,
		j.ID, j.Attempts, j.Owner, micros(t.now.Add(lease)))
	return j, err == nil, err
}

// ExtendLease keeps the caller's lease for another `lease` from now; ErrLeaseLost when
// another worker has taken the job over or it is no longer running.
func (t *Tx) ExtendLease(ctx context.Context, j Job, lease time.Duration) error {
	res, err := t.q.ExecContext(ctx, `UPDATE verification_jobs SET lease_until = $3
		WHERE id = $1 AND lease_owner = $2 AND state = 'running'`, j.ID, j.Owner, micros(t.now.Add(lease)))
	return leaseHeld(res, err)
}

// FinishJob marks the job done, only if the caller still holds its lease.
func (t *Tx) FinishJob(ctx context.Context, j Job) error {
	res, err := t.q.ExecContext(ctx, `UPDATE verification_jobs SET state = 'done', finished_at = $3, lease_until = 0
		WHERE id = $1 AND lease_owner = $2 AND state = 'running'`, j.ID, j.Owner, micros(t.now))
	return leaseHeld(res, err)
}

// AbandonJob ends a job that automation gave up on (state abandoned, why in
// last_error), only if the caller still holds its lease.
func (t *Tx) AbandonJob(ctx context.Context, j Job, reason string) error {
	res, err := t.q.ExecContext(ctx, `UPDATE verification_jobs SET state = 'abandoned', finished_at = $3, lease_until = 0, last_error = $4
		WHERE id = $1 AND lease_owner = $2 AND state = 'running'`, j.ID, j.Owner, micros(t.now), clip(reason))
	return leaseHeld(res, err)
}

// RetryJob releases the job to run again after `after`, recording why it failed.
func (t *Tx) RetryJob(ctx context.Context, j Job, after time.Duration, reason string) error {
	_, err := t.q.ExecContext(ctx, `UPDATE verification_jobs SET run_after = $3, lease_until = 0, last_error = $4
		WHERE id = $1 AND lease_owner = $2`, j.ID, j.Owner, micros(t.now.Add(after)), clip(reason))
	return err
}

// ReleaseJob hands a claimed job back untouched, its attempt not counted (the worker is
// shutting down; the job did not fail).
func (t *Tx) ReleaseJob(ctx context.Context, j Job) error {
	_, err := t.q.ExecContext(ctx, `UPDATE verification_jobs SET attempts = attempts - 1, lease_until = 0
		WHERE id = $1 AND lease_owner = $2 AND state = 'running' AND attempts > 0`, j.ID, j.Owner)
	return err
}

func leaseHeld(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return ErrLeaseLost
	}
	return nil
}

// clip bounds a stored error message.
func clip(reason string) string {
	if len(reason) > 500 {
		return reason[:500]
	}
	return reason
}

// Check is one stored automated check.
type Check struct {
	Name      string
	Result    string // pass, fail, review
	Reason    string
	Score     float64
	Threshold float64 // the bound Score was held to
	Version   string
}

// PutChecks stores a case's check results (replacing earlier ones of a retried job).
func (t *Tx) PutChecks(ctx context.Context, caseID string, checks []Check) error {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM case_checks WHERE case_id = $1`, caseID); err != nil {
		return err
	}
	for _, c := range checks {
		if _, err := t.q.ExecContext(ctx, `INSERT INTO case_checks (id, case_id, name, result, reason, score, threshold, version, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, uuid.NewString(), caseID, c.Name, c.Result, c.Reason, c.Score, c.Threshold, c.Version, micros(t.now)); err != nil {
			return err
		}
	}
	return nil
}

// Checks lists a case's checks.
func (t *Tx) Checks(ctx context.Context, caseID string) ([]Check, error) {
	if !isID(caseID) {
		return nil, nil
	}
	rows, err := t.q.QueryContext(ctx, `SELECT name, result, reason, score, threshold, version FROM case_checks WHERE case_id = $1 ORDER BY name`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Check
	for rows.Next() {
		var c Check
		if err := rows.Scan(&c.Name, &c.Result, &c.Reason, &c.Score, &c.Threshold, &c.Version); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
