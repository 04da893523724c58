package account

import "time"

// Event names a security event for the audit log.
type Event string

// The security events recorded.
const (
	EventRegistered        Event = "registered"
	EventEmailVerified     Event = "email_verified"
	EventSignIn            Event = "sign_in"
	EventSignInFailed      Event = "sign_in_failed"
	EventSignInThrottled   Event = "sign_in_throttled"
	EventSignOut           Event = "sign_out"
	EventPasswordChanged   Event = "password_changed"
	EventPasswordReset     Event = "password_reset"
	EventProfileChanged    Event = "profile_changed"
	EventRoleChanged       Event = "role_changed"
	EventKeyCreated        Event = "api_key_created"
	EventKeyRevoked        Event = "api_key_revoked"
	EventIntegratorCreated Event = "integrator_created"
	EventIntegratorRevoked Event = "integrator_revoked"
	EventLegacyUpgraded    Event = "legacy_upgraded"
	EventLegacyLinked      Event = "legacy_linked"
	EventLegacyUnlinked    Event = "legacy_unlinked"
	EventLegacyFailed      Event = "legacy_sign_in_failed"
	EventNonceReplayed     Event = "wsse_nonce_replayed" // a SOAP request's WS-Security token sent again
	EventOutboxRevealed    Event = "outbox_revealed"     // an admin read a kept email's link
)

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	At      time.Time
	Event   Event
	UserID  string // whose account
	ActorID string // who did it (an admin changing a role), when not the user
	IP      string
	Detail  string
}

// Sign-in throttling (see throttle.go): failures counted in a sliding window per account and
// address together, per address, and per account.
const (
	ThrottleWindow     = 15 * time.Minute
	MaxFailuresPair    = 5           // one address guessing one account: that address is refused for it
	MaxFailuresIP      = 20          // one address guessing any accounts: that address is refused
	MaxFailuresAccount = 10          // guesses at one account from any addresses: it takes one attempt a minute
	AccountDelay       = time.Minute // the account's pace once over MaxFailuresAccount
)
