// Package idempotency makes a request sent again count once. A caller names a request with a key
// (the REST API's Idempotency-Key header); the first request with the key claims it and runs, and
// its answer is kept; a retry with the same key and the same content gets that answer again,
// without running; a retry with other content is refused. Keys are kept for a day, per owner and
// mode, in the database, so this holds across processes.
//
// Creating shipments and taking payments have their own keys, written in the same transaction as
// what they make (shipment.Service.CreateOnce, payment.Service.Pay); this package serves the other
// changes, whose answers it keeps as they were sent.
package idempotency

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
)

// Window is how long a key is honoured.
const Window = 24 * time.Hour

// Key names a request: its owner, the mode of the key it came with, and the caller's key.
type Key struct {
	OwnerID string
	Mode    account.Mode
	Key     string
}

// Answer is a kept answer: what a retry is sent.
type Answer struct {
	Status      int
	ContentType string
	Location    string
	Disposition string
	Headers     map[string]string // the other headers kept (see api's keptHeaders)
	Body        []byte
}

// Record is a key's row as another request left it.
type Record struct {
	Fingerprint string
	Done        bool    // false: the request holding the key is still running
	Answer      *Answer // when Done
}

// Store keeps the keys. ClaimRequestKey writes the key as pending under claim, or takes over a row
// written before staleBefore (a key past its day) or left pending since abandonedBefore (its
// request died); it answers nil when it did, else the row as it is.
type Store interface {
	ClaimRequestKey(ctx context.Context, k Key, fingerprint, claim string, now, staleBefore, abandonedBefore time.Time) (*Record, error)
	FinishRequestKey(ctx context.Context, k Key, claim string, a Answer) error
	ReleaseRequestKey(ctx context.Context, k Key, claim string) error
}

// Service claims keys and keeps answers.
type Service struct {
	Store Store
	Now   func() time.Time
	// Wait is how long a retry waits for the request holding its key to finish before it is told
	// to try later (default 30 s); Poll how often it looks (default 50 ms). Abandoned is how long a
	// pending key is held before another request may take it over (default 5 minutes: a request
	// running longer than that is cut off by the server anyway).
	Wait, Poll, Abandoned time.Duration
}

// Claim is a key this request holds: Finish keeps its answer, Release lets a retry run anew.
type Claim struct {
	s     *Service
	key   Key
	claim string
}

// Begin claims k for a request with this fingerprint. It answers the claim when the request is to
// run, or the kept answer of the first request with the same key and content. A key used for other
// content is errs.Mismatch; a key still held by a running request after Wait is errs.Conflict.
func (s *Service) Begin(ctx context.Context, k Key, fingerprint string) (*Claim, *Answer, error) {
	claim := newClaim()
	deadline := time.Now().Add(dur(s.Wait, 30*time.Second)) // waiting is in real time, whatever Now says
	for {
		now := s.now()
		rec, err := s.Store.ClaimRequestKey(ctx, k, fingerprint, claim, now, now.Add(-Window), now.Add(-dur(s.Abandoned, 5*time.Minute)))
		switch {
		case err != nil:
			return nil, nil, err
		case rec == nil:
			return &Claim{s: s, key: k, claim: claim}, nil, nil
		case rec.Fingerprint != fingerprint:
			return nil, nil, errs.New(errs.Mismatch, "request.key_reused", nil)
		case rec.Done:
			return nil, rec.Answer, nil
		case !time.Now().Before(deadline):
			return nil, nil, errs.New(errs.Conflict, "request.in_progress", nil)
		}
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(dur(s.Poll, 50*time.Millisecond)):
		}
	}
}

// Finish keeps the request's answer for its retries.
func (c *Claim) Finish(ctx context.Context, a Answer) error {
	return c.s.Store.FinishRequestKey(ctx, c.key, c.claim, a)
}

// Release forgets the key: the request came to nothing a retry should be told again (it failed on
// the server's side, or was turned away for its rate), so a retry runs anew.
func (c *Claim) Release(ctx context.Context) error {
	return c.s.Store.ReleaseRequestKey(ctx, c.key, c.claim)
}

// Kept says whether an answer with this status is kept for retries: everything the request was
// answered for what it asked (done, or refused as invalid, not found, in the wrong state), not a
// failure of the server or a turn-away for the rate of requests.
func Kept(status int) bool {
	return status < 500 && status != 429
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func dur(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func newClaim() string {
	b := make([]byte, 12)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}
