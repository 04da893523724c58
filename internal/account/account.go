// Package account is the Hongkong Post ID: users and their roles, registration rules, passwords,
// sessions, verification and reset tokens, API keys and SOAP integrator credentials, legacy accounts
// and their links (rule ACC-*). It knows nothing of HTTP or SQL.
package account

import (
	"net/mail"
	"strings"
	"time"
	"unicode"

	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
)

// Role is what a user may do (rule ACC-11).
type Role string

// The roles. API integrators are credentials owned by a sender, not a role.
const (
	Sender  Role = "sender"
	Counter Role = "counter"
	Admin   Role = "admin"
)

// Roles lists every role.
var Roles = []Role{Sender, Counter, Admin}

// ValidRole reports whether r is a role.
func ValidRole(r Role) bool { return r == Sender || r == Counter || r == Admin }

// User is a Hongkong Post ID.
type User struct {
	ID              string
	LoginName       string
	Email           string
	EmailVerifiedAt *time.Time
	FirstName       string
	LastName        string
	Phone           string
	Lang            i18n.Lang
	Role            Role
	PasswordHash    string
	CreatedAt       time.Time
}

// Verified reports whether the email address is verified: only then may the account pay or ship (ACC-1).
func (u *User) Verified() bool { return u != nil && u.EmailVerifiedAt != nil }

// Name is how the user is addressed: a Chinese, Japanese or Korean name family name first,
// without a space (陳大文); others given name first (Tai Man Chan).
func (u *User) Name() string {
	if hasCJK(u.FirstName) || hasCJK(u.LastName) {
		return strings.TrimSpace(u.LastName) + strings.TrimSpace(u.FirstName)
	}
	return strings.TrimSpace(u.FirstName + " " + u.LastName)
}

func hasCJK(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			return true
		}
	}
	return false
}

// Field limits of rule ACC-2..5.
const (
	LoginMin    = 3
	LoginMax    = 50
	EmailMax    = 50
	NameMax     = 30
	PhoneMax    = 25
	PasswordMin = 8
	PasswordMax = 128
)

// Profile is what a user can change about themself.
type Profile struct {
	FirstName, LastName, Phone string
	Lang                       string
}

// Registration is the sign-up form.
type Registration struct {
	LoginName    string
	Email        string
	EmailConfirm string
	Password     string
	Profile
}

// Normalize trims what people paste around their input.
func (r *Registration) Normalize() {
	r.LoginName = strings.TrimSpace(r.LoginName)
	r.Email = strings.TrimSpace(r.Email)
	r.EmailConfirm = strings.TrimSpace(r.EmailConfirm)
	r.Profile.Normalize()
}

// Normalize trims the profile's fields.
func (p *Profile) Normalize() {
	p.FirstName = strings.TrimSpace(p.FirstName)
	p.LastName = strings.TrimSpace(p.LastName)
	p.Phone = strings.TrimSpace(p.Phone)
}

// Validate checks every field of the form and reports all that are wrong (rule ACC-2..6, ACC-10).
func (r *Registration) Validate() error {
	var fe errs.Fields
	CheckLoginName(&fe, "login_name", r.LoginName)
	CheckEmail(&fe, "email", r.Email)
	if r.Email == "" {
		// nothing to confirm yet: the email field's own message says what to do
	} else if r.EmailConfirm == "" {
		fe.Add("email_confirm", "account.email.confirm_required", nil)
	} else if !strings.EqualFold(r.Email, r.EmailConfirm) {
		fe.Add("email_confirm", "account.email.mismatch", nil)
	}
	CheckPassword(&fe, "password", r.Password, r.LoginName)
	r.Profile.check(&fe)
	return fe.Err()
}

// Validate checks a profile change.
func (p *Profile) Validate() error {
	var fe errs.Fields
	p.check(&fe)
	return fe.Err()
}

func (p *Profile) check(fe *errs.Fields) {
	checkName(fe, "first_name", p.FirstName)
	checkName(fe, "last_name", p.LastName)
	switch {
	case p.Phone == "":
		fe.Add("phone", "account.phone.required", nil)
	case !allDigits(p.Phone):
		fe.Add("phone", "account.phone.digits", nil)
	case len(p.Phone) > PhoneMax:
		fe.Add("phone", "account.phone.too_long", errs.Args{"max": PhoneMax})
	}
	if _, ok := i18n.Parse(p.Lang); !ok && p.Lang != "" {
		fe.Add("lang", "account.lang.unknown", nil)
	}
}

// Language returns the profile's language (English when none was chosen).
func (p *Profile) Language() i18n.Lang {
	l, _ := i18n.Parse(p.Lang)
	return l
}

func checkName(fe *errs.Fields, field, v string) {
	switch n := len([]rune(v)); {
	case n == 0:
		fe.Add(field, "account.name.required", nil)
	case n > NameMax:
		fe.Add(field, "account.name.too_long", errs.Args{"max": NameMax})
	}
}

// CheckLoginName applies ACC-2 and ACC-10: letters and digits, 3 to 50, and not a 9-digit number
// (that is a legacy membership number, never a login name).
func CheckLoginName(fe *errs.Fields, field, v string) {
	switch {
	case v == "":
		fe.Add(field, "account.login.required", nil)
	case !alnum(v):
		fe.Add(field, "account.login.charset", nil)
	case len(v) < LoginMin || len(v) > LoginMax:
		fe.Add(field, "account.login.length", errs.Args{"min": LoginMin, "max": LoginMax})
	case len(v) == 9 && allDigits(v):
		fe.Add(field, "account.login.membership_number", nil)
	}
}

// CheckEmail applies ACC-3's length and a plain address syntax.
func CheckEmail(fe *errs.Fields, field, v string) {
	switch {
	case v == "":
		fe.Add(field, "account.email.required", nil)
	case len(v) > EmailMax:
		fe.Add(field, "account.email.too_long", errs.Args{"max": EmailMax})
	case !plainAddress(v):
		fe.Add(field, "account.email.syntax", nil)
	}
}

// CheckPassword applies the password rules.
func CheckPassword(fe *errs.Fields, field, pw, login string) {
	switch n := len([]rune(pw)); {
	case n < PasswordMin:
		fe.Add(field, "account.password.too_short", errs.Args{"min": PasswordMin})
	case n > PasswordMax:
		fe.Add(field, "account.password.too_long", errs.Args{"max": PasswordMax})
	case login != "" && strings.EqualFold(pw, login):
		fe.Add(field, "account.password.is_login", nil)
	}
}

func plainAddress(v string) bool {
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(v, '@')
	return at > 0 && strings.Contains(v[at:], ".") && !strings.ContainsAny(v, " <>")
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Key is the case-folded form used for uniqueness: login names and emails are unique in any case.
func Key(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
