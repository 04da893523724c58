package account

import (
	"context"
	"log/slog"
	"time"

	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/mail"
)

// Store is what the account service needs from the database (implemented by internal/store).
type Store interface {
	CreateUser(ctx context.Context, u *User) error
	UserByID(ctx context.Context, id string) (*User, error)
	UserByLogin(ctx context.Context, loginOrEmail string) (*User, error)
	LoginTaken(ctx context.Context, login string) (bool, error)
	UpdateProfile(ctx context.Context, id string, p Profile, now time.Time) error
	SetPasswordHash(ctx context.Context, id, hash string, now time.Time) error
	SetRole(ctx context.Context, id string, r Role, now time.Time) error
	Users(ctx context.Context, f UserFilter) ([]*User, error)

	CreateSession(ctx context.Context, s Session, replaces, ip, userAgent string) error
	SessionUser(ctx context.Context, hash string, now time.Time) (*User, error)
	DeleteSession(ctx context.Context, hash string) error
	DeleteUserSessions(ctx context.Context, userID, except string) error

	CreateToken(ctx context.Context, t Token, now time.Time) error
	VerifyEmail(ctx context.Context, tokenHash string, now time.Time) (string, error)
	ResetPassword(ctx context.Context, tokenHash, newHash string, now time.Time) (string, error)

	Audit(ctx context.Context, e AuditEntry) error
	AuditLog(ctx context.Context, userID string, limit int) ([]AuditEntry, error)
	RecordFailure(ctx context.Context, keys []string, now time.Time, window time.Duration) ([]int, error)
	Failures(ctx context.Context, keys []string, now time.Time, window time.Duration) ([]int, error)
	ClearFailures(ctx context.Context, key string) error
	ForgetFailure(ctx context.Context, key string, at time.Time) error
	SpendTokens(ctx context.Context, userID string, kind TokenKind, now time.Time) error

	CreateAPIKey(ctx context.Context, k APIKey) error
	APIKeys(ctx context.Context, userID string) ([]APIKey, error)
	KeyUser(ctx context.Context, hash string, now time.Time) (APIKey, *User, error)
	RevokeAPIKey(ctx context.Context, userID, id string, now time.Time) error

	CreateIntegrator(ctx context.Context, in Integrator) error
	Integrators(ctx context.Context, userID string) ([]Integrator, error)
	IntegratorByUsername(ctx context.Context, username string) (Integrator, error)
	RevokeIntegrator(ctx context.Context, userID, id string, now time.Time) error

	LegacyAccount(ctx context.Context, system LegacySystem, login string) (LegacyAccount, error)
	LinkedAccounts(ctx context.Context, userID string) ([]LegacyAccount, error)
	UpgradeLegacy(ctx context.Context, legacyID string, u *User) error
	LinkLegacy(ctx context.Context, legacyID, userID string, now time.Time) error
	UnlinkLegacy(ctx context.Context, legacyID, userID string) error
}

// Sealer seals integrator passwords for storage.
type Sealer interface {
	Seal(plain string) string
	Open(sealed string) (string, error)
}

// Mailer sends email.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) error
	SendLater(ctx context.Context, m mail.Message) error // delivers in the background
}

// Service is every operation on Hongkong Post IDs, the one place the portal, the API and the command
// line go through.
type Service struct {
	Store   Store
	Mail    Mailer
	Secrets Sealer
	Log     *slog.Logger
	Now     func() time.Time
	BaseURL string // for links in emails: "https://ecship.example.hk"
}

// Client is who is asking: the address, for throttling and the audit log.
type Client struct {
	IP        string
	UserAgent string
	// KnownDevice is the user this browser signed in as before (the portal's signed device cookie):
	// that user signing in from it is spared the account-wide pace of sign-in throttling.
	KnownDevice string
}

func (s *Service) audit(ctx context.Context, ev Event, userID, actorID string, c Client, detail string) {
	if err := s.Store.Audit(ctx, AuditEntry{At: s.Now(), Event: ev, UserID: userID, ActorID: actorID, IP: c.IP, Detail: detail}); err != nil {
		s.Log.Error("audit", "event", ev, "err", err)
	}
}

// SecurityEvent records an event of another part of ecship (a SOAP endpoint refusing a replayed
// token, say) in the user's security log.
func (s *Service) SecurityEvent(ctx context.Context, ev Event, userID, ip, detail string) {
	s.audit(ctx, ev, userID, "", Client{IP: ip}, detail)
}

// Register creates a sender's Hongkong Post ID and emails the verification link (rule ACC-1..6).
// Anyone with an email address may register; a failed registration writes nothing.
func (s *Service) Register(ctx context.Context, r Registration, c Client) (*User, error) {
	r.Normalize()
	if err := r.Validate(); err != nil {
		return nil, err
	}
	hash, err := HashPassword(ctx, r.Password)
	if err != nil {
		return nil, err
	}
	u := &User{ID: NewID("usr"), LoginName: r.LoginName, Email: r.Email, FirstName: r.FirstName, LastName: r.LastName,
		Phone: r.Phone, Lang: r.Language(), Role: Sender, PasswordHash: hash, CreatedAt: s.Now()}
	if err := s.Store.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	s.audit(ctx, EventRegistered, u.ID, "", c, "")
	if err := s.SendVerification(ctx, u); err != nil {
		s.Log.Error("verification email", "user", u.ID, "err", err)
	}
	return u, nil
}

// CreateUser adds a user directly (ecship user add): the email counts as verified.
func (s *Service) CreateUser(ctx context.Context, login, email, password string, role Role) (*User, error) {
	var fe errs.Fields
	if login == "" {
		login = loginFromEmail(email)
	}
	CheckLoginName(&fe, "login_name", login)
	CheckEmail(&fe, "email", email)
	CheckPassword(&fe, "password", password, login)
	if !ValidRole(role) {
		fe.Add("role", "account.role.unknown", nil)
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	hash, err := HashPassword(ctx, password)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	u := &User{ID: NewID("usr"), LoginName: login, Email: email, EmailVerifiedAt: &now, FirstName: login, LastName: "-",
		Phone: "0", Lang: "en", Role: role, PasswordHash: hash, CreatedAt: now}
	if err := s.Store.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	s.audit(ctx, EventRegistered, u.ID, "", Client{IP: "cli"}, "created by ecship user add, role "+string(role))
	return u, nil
}

// loginFromEmail makes a login name from an email's local part: its letters and digits.
func loginFromEmail(email string) string {
	var b []byte
	for i := 0; i < len(email) && email[i] != '@'; i++ {
		if c := email[i]; 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			b = append(b, c)
		}
	}
	for len(b) < LoginMin {
		b = append(b, '0')
	}
	return string(b)
}

// SendVerification emails a fresh verification link.
func (s *Service) SendVerification(ctx context.Context, u *User) error {
	link, err := s.newLink(ctx, u, VerifyEmail, "/verify")
	if err != nil {
		return err
	}
	return s.Mail.Send(ctx, s.message(u, "mail.verify", map[string]any{"name": u.Name(), "link": link, "login": u.LoginName}, link))
}

func (s *Service) newLink(ctx context.Context, u *User, kind TokenKind, path string) (string, error) {
	secret, hash := NewSecret()
	now := s.Now()
	if err := s.Store.CreateToken(ctx, Token{Hash: hash, Kind: kind, UserID: u.ID, ExpiresAt: now.Add(TokenTTL(kind))}, now); err != nil {
		return "", err
	}
	return s.BaseURL + path + "?token=" + secret, nil
}

// VerifyEmail spends a verification link.
func (s *Service) VerifyEmail(ctx context.Context, token string, c Client) (*User, error) {
	uid, err := s.Store.VerifyEmail(ctx, HashSecret(token), s.Now())
	if err != nil {
		return nil, err
	}
	s.audit(ctx, EventEmailVerified, uid, "", c, "")
	return s.Store.UserByID(ctx, uid)
}

// SignIn checks a login name or email and password. Wrong ones get one message that does not say
// which was wrong; too many failures for the account or the address are refused for a while.
func (s *Service) SignIn(ctx context.Context, login, password string, c Client) (*User, error) {
	u, err := s.Store.UserByLogin(ctx, login)
	if err != nil && errs.CodeOf(err) != errs.NotFound {
		return nil, err
	}
	// An account is throttled by its ID, so its login name and its email share one count.
	acct, hash := "account:"+Key(login), ""
	if u != nil {
		acct, hash = accountThrottleKey(u), u.PasswordHash
	}
	at, err := s.claimAttempt(ctx, acct, c, u != nil && c.KnownDevice == u.ID)
	if err != nil {
		if errs.CodeOf(err) == errs.RateLimited {
			s.audit(ctx, EventSignInThrottled, "", "", c, Key(login))
		}
		return nil, err
	}
	ok, rehash, err := VerifyPassword(ctx, hash, password)
	if err != nil && errs.CodeOf(err) == errs.Unavailable {
		return nil, err
	}
	if !ok || u == nil {
		uid := ""
		if u != nil {
			uid = u.ID
		}
		s.audit(ctx, EventSignInFailed, uid, "", c, Key(login))
		if u != nil && at.alert {
			s.alertOwner(ctx, u)
		}
		return nil, errs.New(errs.Unauthorized, "account.signin.failed", nil)
	}
	at.succeeded()
	if rehash {
		if h, err := HashPassword(ctx, password); err == nil {
			s.Store.SetPasswordHash(ctx, u.ID, h, s.Now())
		}
	}
	s.audit(ctx, EventSignIn, u.ID, "", c, "")
	return u, nil
}

// StartSession signs a browser in: a new session id (the old one, if any, ends: sessions rotate on
// sign-in). The returned secret goes in the cookie.
func (s *Service) StartSession(ctx context.Context, u *User, old string, c Client) (string, error) {
	secret, hash := NewSecret()
	now := s.Now()
	replaces := ""
	if old != "" {
		replaces = HashSecret(old)
	}
	if err := s.Store.CreateSession(ctx, Session{Hash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(SessionIdle)}, replaces, c.IP, c.UserAgent); err != nil {
		return "", err
	}
	return secret, nil
}

// SessionUser returns the user of a session cookie, or not found.
func (s *Service) SessionUser(ctx context.Context, secret string) (*User, error) {
	if secret == "" {
		return nil, errs.New(errs.NotFound, "error.not_found", nil)
	}
	return s.Store.SessionUser(ctx, HashSecret(secret), s.Now())
}

// SignOut ends a session.
func (s *Service) SignOut(ctx context.Context, u *User, secret string, c Client) error {
	if u != nil {
		s.audit(ctx, EventSignOut, u.ID, "", c, "")
	}
	return s.Store.DeleteSession(ctx, HashSecret(secret))
}

// ForgotPassword emails a reset link when the address belongs to an account, and answers the same
// either way, so the form never tells whether an account exists.
func (s *Service) ForgotPassword(ctx context.Context, email string, c Client) error {
	u, err := s.Store.UserByLogin(ctx, email)
	if err != nil || !equalFoldEmail(u.Email, email) {
		return nil
	}
	link, err := s.newLink(ctx, u, ResetPassword, "/reset-password")
	if err != nil {
		return err
	}
	return s.Mail.SendLater(ctx, s.message(u, "mail.reset", map[string]any{"name": u.Name(), "link": link, "minutes": int(TokenTTL(ResetPassword).Minutes())}, link))
}

// ForgotLogin emails the login name to an address that has an account; the answer is the same either way.
func (s *Service) ForgotLogin(ctx context.Context, email string, c Client) error {
	u, err := s.Store.UserByLogin(ctx, email)
	if err != nil || !equalFoldEmail(u.Email, email) {
		return nil
	}
	return s.Mail.SendLater(ctx, s.message(u, "mail.login", map[string]any{"name": u.Name(), "login": u.LoginName, "link": s.BaseURL + "/login"}, ""))
}

func equalFoldEmail(a, b string) bool { return Key(a) == Key(b) }

// ResetPassword spends a reset link and sets a new password; every session of the user ends.
func (s *Service) ResetPassword(ctx context.Context, token, password string, c Client) (*User, error) {
	var fe errs.Fields
	CheckPassword(&fe, "password", password, "")
	if err := fe.Err(); err != nil {
		return nil, err
	}
	hash, err := HashPassword(ctx, password)
	if err != nil {
		return nil, err
	}
	uid, err := s.Store.ResetPassword(ctx, HashSecret(token), hash, s.Now())
	if err != nil {
		return nil, err
	}
	s.audit(ctx, EventPasswordReset, uid, "", c, "")
	return s.Store.UserByID(ctx, uid)
}

// ChangePassword checks the current password and sets a new one; the user's other sessions end.
func (s *Service) ChangePassword(ctx context.Context, u *User, current, next, session string, c Client) error {
	at, err := s.claimAttempt(ctx, accountThrottleKey(u), c, true) // signed in already
	if err != nil {
		return err
	}
	ok, _, err := VerifyPassword(ctx, u.PasswordHash, current)
	if err != nil && errs.CodeOf(err) == errs.Unavailable {
		return err
	}
	var fe errs.Fields
	if ok {
		at.succeeded()
	} else {
		fe.Add("current_password", "account.password.wrong", nil)
	}
	CheckPassword(&fe, "password", next, u.LoginName)
	if err := fe.Err(); err != nil {
		return err
	}
	hash, err := HashPassword(ctx, next)
	if err != nil {
		return err
	}
	if err := s.Store.SetPasswordHash(ctx, u.ID, hash, s.Now()); err != nil {
		return err
	}
	if err := s.Store.SpendTokens(ctx, u.ID, ResetPassword, s.Now()); err != nil {
		return err
	}
	s.Store.DeleteUserSessions(ctx, u.ID, HashSecret(session))
	s.audit(ctx, EventPasswordChanged, u.ID, "", c, "")
	return nil
}

// UpdateProfile changes a user's names, phone and language.
func (s *Service) UpdateProfile(ctx context.Context, u *User, p Profile, c Client) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	if err := s.Store.UpdateProfile(ctx, u.ID, p, s.Now()); err != nil {
		return err
	}
	s.audit(ctx, EventProfileChanged, u.ID, "", c, "")
	return nil
}

// SetRole lets an admin change another user's role (not their own: an admin cannot lock everyone out).
func (s *Service) SetRole(ctx context.Context, actor *User, userID string, r Role, c Client) error {
	if !Allows(actor, AdminOnly) {
		return errs.New(errs.Forbidden, "error.forbidden", nil)
	}
	if !ValidRole(r) {
		return errs.Field("role", "account.role.unknown", nil)
	}
	if actor.ID == userID {
		return errs.Field("role", "account.role.not_self", nil)
	}
	target, err := s.Store.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if err := s.Store.SetRole(ctx, userID, r, s.Now()); err != nil {
		return err
	}
	s.audit(ctx, EventRoleChanged, userID, actor.ID, c, string(target.Role)+" -> "+string(r))
	return nil
}

// message builds an email in the user's language from the subject and body keys "<key>.subject" and
// "<key>.body".
// message is an email to u in their language; secret is the part of it that must not rest in the
// outbox in clear (a link with a token), or "".
func (s *Service) message(u *User, key string, args map[string]any, secret string) mail.Message {
	return mail.Message{To: u.Email, Subject: translate(u, key+".subject", args), Body: translate(u, key+".body", args), Secret: secret}
}
