package soap

import (
	"context"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/account"
)

// DefaultCreatedWindow is how far a UsernameToken's Created may be from the server's clock, either
// way. Real EC-Ship clients send Hong Kong local time marked Z (eight hours ahead) built on a 12-hour
// clock (up to twelve hours behind), so the usual five minutes would refuse them; eight hours and
// five minutes takes them, and a nonce is remembered for as long.
const DefaultCreatedWindow = 8*time.Hour + 5*time.Minute

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

// MaxNonce is the longest nonce taken, in bytes (clients send 16): nonces are kept for hours.
const MaxNonce = 64

const (
	typeDigest = "#PasswordDigest"
	typeText   = "#PasswordText"
)

// NonceStore remembers the nonces of accepted tokens, shared by every process on the database.
type NonceStore interface {
	// UseNonce records a nonce of an integrator credential until expires and answers whether this
	// use is allowed: the first, or another within reuse of the first (0: never again); and when
	// the first use was, once allowed.
	UseNonce(ctx context.Context, integratorID, nonce string, now, expires time.Time, reuse time.Duration) (first time.Time, ok bool, err error)
}

// SecurityLog records what an operator must be able to find afterwards: a replayed token, say.
type SecurityLog interface {
	SecurityEvent(ctx context.Context, ev account.Event, userID, ip, detail string)
}

// Guard checks WS-Security UsernameTokens, the same way for every SOAP endpoint:
//   - Created must be within Window of now, either way (default DefaultCreatedWindow);
//   - a PasswordDigest needs its Nonce (base64) and Created, and a nonce is accepted once per
//     credential for as long as its Created is acceptable, across processes; an endpoint may let a
//     credential reuse one token for calls in quick succession (Reuse);
//   - a token whose password is not a digest is PasswordText, whatever its Type says, and is accepted
//     only for a credential that allows it, and only over https.
type Guard struct {
	Window time.Duration
	Nonces NonceStore
	Log    SecurityLog
	// Reuse is how long after its first use a credential may send the same token again on this
	// endpoint (nil or 0: never).
	Reuse func(in account.Integrator) time.Duration

	// reused remembers when tokens allowed again were first used: a reuse within the window is
	// answered without the database (the first use is written there once and never changes).
	reused ttlCache[string, time.Time]
}

// A refusal: why (for the operator's log; the caller only ever gets 9992).
type refusal string

// Check verifies tok for the credential in, at now, for a request that came over https (secure)
// or not, from ip. It answers "" when the token is good, else why not; err is a failure of the
// database (9999).
func (g *Guard) Check(ctx context.Context, tok *usernameToken, in account.Integrator, secure bool, ip string, now time.Time) (refusal, error) {
	window := g.Window
	if window <= 0 {
		window = DefaultCreatedWindow
	}
	var created time.Time
	if tok.Created != "" {
		at, ok := parseCreated(tok.Created)
		if !ok {
			return "Created unreadable", nil
		}
		if d := now.Sub(at); d > window || d < -window {
			return refusal("Created " + d.Round(time.Minute).String() + " off, beyond " + window.String()), nil
		}
		created = at
	}
	nonce, digest := tok.digestNonce(in.Password)
	switch {
	case strings.HasSuffix(tok.PasswordType, typeDigest), tok.Nonce != "" && tok.Created != "" && digest:
		// A digest, declared or not: its nonce is checked either way.
	default:
		return g.checkText(tok, in, secure), nil
	}
	if tok.Nonce == "" || tok.Created == "" {
		return "digest without Nonce or Created", nil
	}
	if b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(tok.Nonce)); err != nil {
		return "Nonce not base64", nil
	} else if len(b) > MaxNonce {
		return refusal("Nonce longer than " + strconv.Itoa(MaxNonce) + " bytes"), nil
	}
	if !digest {
		return "wrong password digest", nil
	}
	var reuse time.Duration
	if g.Reuse != nil {
		reuse = g.Reuse(in)
	}
	key := in.ID + "\x00" + nonce
	if reuse > 0 {
		if first, ok := g.reused.get(key, now); ok && now.Sub(first) <= reuse {
			return "", nil
		}
	}
	first, fresh, err := g.Nonces.UseNonce(ctx, in.ID, nonce, now, created.Add(window), reuse)
	if err != nil {
		return "", err
	}
	if fresh && reuse > 0 {
		g.reused.put(key, first, first, first.Add(reuse))
	}
	if !fresh {
		if g.Log != nil {
			g.Log.SecurityEvent(ctx, account.EventNonceReplayed, in.UserID, ip, in.Username)
		}
		return "nonce used before", nil
	}
	return "", nil
}

// checkText is the verdict on a password sent in clear.
func (g *Guard) checkText(tok *usernameToken, in account.Integrator, secure bool) refusal {
	switch {
	case !equal(tok.Password, in.Password):
		return "wrong password"
	case !in.AllowPlainText:
		return "PasswordText, which this credential does not allow"
	case !secure:
		return "PasswordText over plain http"
	}
	return ""
}

// digestNonce reports whether the token's password is the digest of password with its nonce and
// Created, and answers the nonce as it was signed: the digest covers the nonce's bytes, so the nonce
// is those bytes encoded anew (one token written with other base64 text, line breaks or padding
// bits is the same nonce); some clients put the nonce's text itself in the digest, and then it is
// that text.
func (t *usernameToken) digestNonce(password string) (nonce string, ok bool) {
	got, text := strings.TrimSpace(t.Password), strings.TrimSpace(t.Nonce)
	if b, err := base64.StdEncoding.DecodeString(text); err == nil && equal(got, passwordDigest(b, t.Created, password)) {
		return base64.StdEncoding.EncodeToString(b), true
	}
	if equal(got, passwordDigest([]byte(t.Nonce), t.Created, password)) {
		return "text:" + t.Nonce, true
	}
	return "", false
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
