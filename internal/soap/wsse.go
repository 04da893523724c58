package soap

import (
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"strings"
	"sync"
	"time"
)

// MaxClockSkew is how far a UsernameToken's Created may be from the server's clock. Real clients
// send local time marked Z, 12-hour clocks and other oddities (ecship-api-wire.md), so the usual
// five minutes would refuse them; a day still refuses a digest captured long ago.
const MaxClockSkew = 24 * time.Hour

// createdLayouts are the forms of wsu:Created read; a time without a zone is taken as UTC.
var createdLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
}

// parseCreated reads a wsu:Created leniently.
func parseCreated(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range createdLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

const (
	typeDigest = "#PasswordDigest"
	typeText   = "#PasswordText"
)

// check verifies the token against the credential's clear password at now: a PasswordDigest
// (base64(sha1(nonce + created + password)), with its Nonce and Created) or a PasswordText. It
// answers "" when the token is good, else why not (for the log; the caller only gets 9992).
func (t *usernameToken) check(password string, now time.Time) string {
	if t.Created != "" {
		at, ok := parseCreated(t.Created)
		if !ok {
			return "Created unreadable"
		}
		if d := now.Sub(at); d > MaxClockSkew || d < -MaxClockSkew {
			return "Created more than a day off"
		}
	}
	digest := strings.HasSuffix(t.PasswordType, typeDigest)
	text := strings.HasSuffix(t.PasswordType, typeText)
	if !digest && !text {
		// No Type (or an odd one): a clear password, else a digest when the token has what one needs.
		if equal(t.Password, password) {
			return ""
		}
		digest = t.Nonce != ""
	}
	if text {
		if equal(t.Password, password) {
			return ""
		}
		return "wrong password"
	}
	if !digest {
		return "wrong password"
	}
	if t.Nonce == "" || t.Created == "" {
		return "digest without Nonce or Created"
	}
	nonce, err := base64.StdEncoding.DecodeString(strings.TrimSpace(t.Nonce))
	if err == nil && equal(strings.TrimSpace(t.Password), passwordDigest(nonce, t.Created, password)) {
		return ""
	}
	// Some clients put the nonce's text in the digest rather than its bytes.
	if equal(strings.TrimSpace(t.Password), passwordDigest([]byte(t.Nonce), t.Created, password)) {
		return ""
	}
	return "wrong password digest"
}

// passwordDigest is WS-Security's PasswordDigest: base64(sha1(nonce + created + password)).
func passwordDigest(nonce []byte, created, password string) string {
	h := sha1.New()
	h.Write(nonce)
	h.Write([]byte(created))
	h.Write([]byte(password))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// nonces remembers the nonces of accepted digests for a while, so a captured request cannot be
// sent again at once. Two generations of a bounded size: a nonce is remembered for at least one
// window, or, under more load than a generation holds, until two generations have filled. It is
// per process: across processes the Created window (a day) is the bound.
type nonces struct {
	mu      sync.Mutex
	window  time.Duration
	max     int
	started time.Time
	cur     map[string]struct{}
	prev    map[string]struct{}
}

func newNonces(window time.Duration, max int) *nonces {
	return &nonces{window: window, max: max, cur: map[string]struct{}{}, prev: map[string]struct{}{}}
}

// fresh records key and reports whether it was not seen before.
func (n *nonces) fresh(key string, now time.Time) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if now.Sub(n.started) > n.window || len(n.cur) >= n.max {
		n.prev, n.cur, n.started = n.cur, make(map[string]struct{}, len(n.cur)), now
	}
	if _, seen := n.cur[key]; seen {
		return false
	}
	if _, seen := n.prev[key]; seen {
		return false
	}
	n.cur[key] = struct{}{}
	return true
}
