package account

import (
	"net/netip"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/errs"
)

// Mode separates test data from live data: a test credential sees only test data (rule TRK-10).
type Mode string

// The two modes.
const (
	Test Mode = "test"
	Live Mode = "live"
)

// ParseMode reads a mode; empty means test.
func ParseMode(s string) (Mode, bool) {
	switch Mode(strings.ToLower(strings.TrimSpace(s))) {
	case "", Test:
		return Test, true
	case Live:
		return Live, true
	}
	return "", false
}

// APIKey is a REST bearer key. Only its hash is stored; the key itself is shown once.
type APIKey struct {
	ID         string
	UserID     string
	Name       string
	Mode       Mode
	Prefix     string // the first characters, to recognise it in lists: "ek_live_ab12"
	Hash       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// NewAPIKey makes a key for a user; the returned secret is what the caller keeps.
func NewAPIKey(userID, name string, mode Mode, now time.Time) (APIKey, string) {
	secret := "ek_" + string(mode) + "_" + randomString(24)
	return APIKey{ID: NewID("key"), UserID: userID, Name: name, Mode: mode, Prefix: secret[:len("ek_")+len(mode)+5],
		Hash: HashSecret(secret), CreatedAt: now}, secret
}

// KeyNameMax bounds an API key's name.
const KeyNameMax = 60

// Integrator limits of the Mail Tracking API (rule TRK-1, TRK-4).
// The Mail Tracking API takes usernames and passwords of up to 20 characters (seed 001); EC-Ship
// integrator keys are longer (25-character keys and 36-character UUIDs are common), so a key may
// have up to 64, and such a credential works on the EC-Ship API only.
const (
	IntegratorNameMax     = 20
	IntegratorPasswordMin = 8
	IntegratorPasswordMax = 64
	MailTrackPasswordMax  = 20
)

// DefaultTokenReuse is how long an integrator may send one WS-Security token again on the EC-Ship
// API after its first use, unless its credential says otherwise: some clients sign once and make
// several calls in a row (createOrder, then getAddressPack).
const DefaultTokenReuse = 5 * time.Minute

// MaxTokenReuse bounds a credential's reuse window.
const MaxTokenReuse = time.Hour

// Integrator is a SOAP credential owned by a sender: a username and password of at most 20
// characters, the addresses it may call from, and its mode. The password is needed in clear to check
// WS-Security digests, so it is stored encrypted, never hashed.
type Integrator struct {
	ID       string
	UserID   string
	Username string
	Password string // clear text, in memory only
	Sealed   string // the password sealed for storage (secretbox)
	AllowIPs []netip.Prefix
	Mode     Mode
	// AllowPlainText lets the credential sign in with its password in clear (WS-Security
	// PasswordText) instead of a digest, and only over https. Off unless asked for.
	AllowPlainText bool
	// TokenReuse is how long after its first use the EC-Ship API takes the same token again from
	// this credential (0: never, "strict"). The Mail Tracking API never does.
	TokenReuse time.Duration
	CreatedAt  time.Time
	RevokedAt  *time.Time
}

// Allowed reports whether a caller's address may use the credential (rule TRK-5). An empty list
// allows no one: integrators must say where they call from.
func (in *Integrator) Allowed(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range in.AllowIPs {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// ParseAllowIPs reads "203.0.113.0/24, 198.51.100.7".
func ParseAllowIPs(s string) ([]netip.Prefix, bool) {
	var out []netip.Prefix
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' }) {
		if strings.Contains(part, "/") {
			p, err := netip.ParsePrefix(part)
			if err != nil {
				return nil, false
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, false
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, true
}

// Validate checks an integrator credential's fields.
func (in *Integrator) Validate() error {
	var fe errs.Fields
	switch {
	case in.Username == "":
		fe.Add("username", "account.integrator.username_required", nil)
	case len(in.Username) > IntegratorNameMax || !integratorChars(in.Username):
		fe.Add("username", "account.integrator.username_format", errs.Args{"max": IntegratorNameMax})
	}
	if n := len(in.Password); n < IntegratorPasswordMin || n > IntegratorPasswordMax || !integratorChars(in.Password) {
		fe.Add("password", "account.integrator.password_format", errs.Args{"min": IntegratorPasswordMin, "max": IntegratorPasswordMax})
	}
	if len(in.AllowIPs) == 0 {
		fe.Add("allow_ips", "account.integrator.allow_ips_required", nil)
	}
	if in.TokenReuse < 0 || in.TokenReuse > MaxTokenReuse {
		fe.Add("token_reuse", "account.integrator.token_reuse", errs.Args{"max": MaxTokenReuse.String()})
	}
	if _, ok := ParseMode(string(in.Mode)); !ok {
		fe.Add("mode", "account.mode.unknown", nil)
	}
	return fe.Err()
}

// NewIntegratorPassword makes a random 20-character password from letters and digits.
func NewIntegratorPassword() string { return strings.ToUpper(randomString(20))[:MailTrackPasswordMax] }

func integratorChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
