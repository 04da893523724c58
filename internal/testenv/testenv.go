// Package testenv holds what the tests of several packages share: a clock they set, the one rule
// for tools a test needs (fail in CI, skip elsewhere), the set-up their services start from (the
// catalogue, a secret box, an account service and its users) and a reader of whole tables. The
// databases themselves are opened by internal/store/storetest.
package testenv

import (
	"os"
	"sync"
	"testing"
	"time"
)

// Clock is a time the test sets and moves, safe to read from the goroutines of the code it drives.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock is a clock reading t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time (a func() time.Time for the services under test).
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Set puts the clock at t.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// InCI reports whether the tests run in CI (CI is set, to anything): there, every tool a test uses
// must be installed, and a missing one fails the test instead of skipping it.
func InCI() bool { return os.Getenv("CI") != "" }

// Missing ends a test that needs a tool the machine lacks: it fails in CI (scripts/test.sh installs
// every tool), and is skipped elsewhere, saying how to install it.
func Missing(tb testing.TB, tool, install string) {
	tb.Helper()
	if InCI() {
		tb.Fatalf("%s is missing: scripts/test.sh installs it (%s)", tool, install)
	}
	tb.Skipf("%s is missing (%s)", tool, install)
}
