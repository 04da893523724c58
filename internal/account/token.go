package account

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"
	"time"
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// randomString returns n random bytes as lower-case base32.
func randomString(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return strings.ToLower(b32.EncodeToString(b))
}

// NewID returns an opaque id with a readable prefix: "usr_...", "key_...".
func NewID(prefix string) string { return prefix + "_" + randomString(10) }

// NewSecret returns a random secret (a session id, a link token) and the hash that is stored in its
// place: a stolen database cannot be replayed as sessions or links.
func NewSecret() (secret, hash string) {
	secret = randomString(32)
	return secret, HashSecret(secret)
}

// HashSecret is the stored form of a high-entropy secret (SHA-256 is enough for random 256-bit values).
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// TokenKind says what a link token is for.
type TokenKind string

// The kinds of emailed tokens, and how long each lives.
const (
	VerifyEmail   TokenKind = "verify_email"
	ResetPassword TokenKind = "reset_password"
)

// TokenTTL is how long a kind of token stays valid.
func TokenTTL(k TokenKind) time.Duration {
	if k == ResetPassword {
		return time.Hour
	}
	return 72 * time.Hour
}

// Token is a single-use, expiring link sent by email.
type Token struct {
	Hash      string
	Kind      TokenKind
	UserID    string
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// Session is a signed-in browser.
type Session struct {
	Hash      string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Session lifetimes: idle sessions end after a day without use, any session after 30 days.
const (
	SessionIdle = 24 * time.Hour
	SessionMax  = 30 * 24 * time.Hour
)
