package account

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
)

// LegacyColumns are the columns of a legacy import file, in order (a header row names them).
var LegacyColumns = []string{"system", "login", "membership_no", "email", "first_name", "last_name", "phone", "lang", "password_hash"}

// RowError is a problem with one row and column of an import file (rows counted as a spreadsheet
// shows them, the header being row 1).
type RowError struct {
	Row    int
	Column string
	Msg    string
}

func (e RowError) Error() string { return fmt.Sprintf("row %d, column %s: %s", e.Row, e.Column, e.Msg) }

// ParseLegacyCSV reads legacy member records. Every row is checked; all problems are returned
// together, and a file with any problem imports nothing.
func ParseLegacyCSV(r io.Reader) ([]LegacyAccount, []RowError, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("legacy import: no header row: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, c := range LegacyColumns {
		if _, ok := col[c]; !ok {
			return nil, nil, fmt.Errorf("legacy import: the header lacks column %q (want %s)", c, strings.Join(LegacyColumns, ","))
		}
	}
	var out []LegacyAccount
	var bad []RowError
	seen := map[string]int{}
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("legacy import: row %d: %w", row, err)
		}
		get := func(c string) string {
			if i := col[c]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		a := LegacyAccount{Login: get("login"), MembershipNo: get("membership_no"), Email: get("email"), FirstName: get("first_name"),
			LastName: get("last_name"), Phone: get("phone"), Lang: get("lang"), PasswordHash: get("password_hash")}
		fail := func(c, msg string) { bad = append(bad, RowError{Row: row, Column: c, Msg: msg}) }
		sys, ok := ParseLegacySystem(get("system"))
		if !ok {
			fail("system", "must be lsos, omos, ecship, speedpost or circular")
		}
		a.System = sys
		switch {
		case a.Login == "":
			fail("login", "is empty")
		case sys.SignsInWithEmail() && !plainAddress(a.Login):
			fail("login", "Circular Service accounts sign in with an email address")
		}
		if sys.Upgradable() && (len(a.MembershipNo) != 9 || !allDigits(a.MembershipNo)) {
			fail("membership_no", "Stamp OnNet members have a 9-digit membership number")
		}
		if a.Email != "" && !plainAddress(a.Email) {
			fail("email", "is not an email address")
		}
		if !strings.HasPrefix(a.PasswordHash, "$argon2id$") && !strings.HasPrefix(a.PasswordHash, "sha256$") {
			fail("password_hash", "must be an argon2id PHC string or sha256$SALT$HEX")
		}
		if a.Lang != "" {
			if _, ok := i18n.Parse(a.Lang); !ok {
				fail("lang", "must be en, zh-Hant or zh-Hans")
			}
		}
		key := string(sys) + "\x00" + Key(a.Login)
		if first, dup := seen[key]; dup {
			fail("login", fmt.Sprintf("repeats row %d", first))
		}
		seen[key] = row
		out = append(out, a)
	}
	if len(bad) > 0 {
		return nil, bad, nil
	}
	return out, nil, nil
}

// LegacySignIn authenticates a legacy account with its old login and password, throttled like
// sign-in. A 9-digit membership number is not a login name (rule ACC-10), so it never signs in.
func (s *Service) LegacySignIn(ctx context.Context, system LegacySystem, login, password string, c Client) (LegacyAccount, error) {
	at, err := s.claimAttempt(ctx, "legacy:"+string(system)+":"+Key(login), c, false)
	if err != nil {
		return LegacyAccount{}, err
	}
	a, err := s.Store.LegacyAccount(ctx, system, login)
	if err != nil && errs.CodeOf(err) != errs.NotFound {
		return a, err
	}
	found := err == nil
	ok, _, verr := VerifyPassword(ctx, a.PasswordHash, password)
	if verr != nil && errs.CodeOf(verr) == errs.Unavailable {
		return a, verr
	}
	if !found || !ok {
		s.audit(ctx, EventLegacyFailed, "", "", c, string(system)+":"+Key(login))
		return LegacyAccount{}, errs.New(errs.Unauthorized, "account.legacy.signin_failed", nil)
	}
	at.succeeded()
	return a, nil
}

// UpgradeForm is what a Stamp OnNet member confirms when upgrading: the supplementary fields with the
// old values prefilled, and a login name to keep or pick.
type UpgradeForm struct {
	LoginName    string
	Email        string
	EmailConfirm string
	Profile
}

// Upgrade turns an authenticated Stamp OnNet member into a Hongkong Post ID (rule ACC-7): their data
// comes over, the old password stays theirs, and the new user is returned to be signed in once.
func (s *Service) Upgrade(ctx context.Context, a LegacyAccount, f UpgradeForm, c Client) (*User, error) {
	if !a.System.Upgradable() {
		return nil, errs.New(errs.Invalid, "account.legacy.not_upgradable", nil)
	}
	if a.UpgradedUserID != "" {
		return nil, errs.New(errs.Conflict, "account.legacy.already_upgraded", nil)
	}
	f.LoginName, f.Email, f.EmailConfirm = strings.TrimSpace(f.LoginName), strings.TrimSpace(f.Email), strings.TrimSpace(f.EmailConfirm)
	f.Profile.Normalize()
	var fe errs.Fields
	CheckLoginName(&fe, "login_name", f.LoginName)
	CheckEmail(&fe, "email", f.Email)
	if !strings.EqualFold(f.Email, f.EmailConfirm) {
		fe.Add("email_confirm", "account.email.mismatch", nil)
	}
	f.Profile.check(&fe)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	now := s.Now()
	u := &User{ID: NewID("usr"), LoginName: f.LoginName, Email: f.Email, FirstName: f.FirstName, LastName: f.LastName,
		Phone: f.Phone, Lang: f.Language(), Role: Sender, PasswordHash: a.PasswordHash, CreatedAt: now}
	// The member's address was known to Stamp OnNet: kept, it counts as verified; a new one is verified anew.
	if Key(f.Email) == Key(a.Email) {
		u.EmailVerifiedAt = &now
	}
	if err := s.Store.UpgradeLegacy(ctx, a.ID, u); err != nil {
		return nil, err
	}
	s.audit(ctx, EventLegacyUpgraded, u.ID, "", c, string(a.System)+":"+a.MembershipNo)
	if !u.Verified() {
		if err := s.SendVerification(ctx, u); err != nil {
			s.Log.Error("verification email", "user", u.ID, "err", err)
		}
	}
	return u, nil
}

// Link authenticates an EC-Ship, My Speedpost or Circular Service account and links it to the user
// (rule ACC-8).
func (s *Service) Link(ctx context.Context, u *User, system LegacySystem, login, password string, c Client) (LegacyAccount, error) {
	if !system.Linkable() {
		return LegacyAccount{}, errs.Field("system", "account.legacy.not_linkable", nil)
	}
	a, err := s.LegacySignIn(ctx, system, login, password, c)
	if err != nil {
		return a, err
	}
	if err := s.Store.LinkLegacy(ctx, a.ID, u.ID, s.Now()); err != nil {
		return a, err
	}
	s.audit(ctx, EventLegacyLinked, u.ID, "", c, string(system)+":"+Key(login))
	return a, nil
}

// Unlink removes one of the user's linked accounts.
func (s *Service) Unlink(ctx context.Context, u *User, legacyID string, c Client) error {
	if err := s.Store.UnlinkLegacy(ctx, legacyID, u.ID); err != nil {
		return err
	}
	s.audit(ctx, EventLegacyUnlinked, u.ID, "", c, legacyID)
	return nil
}

// SuggestLogin is the login name offered to an upgrading member: the old one when it is still valid
// and free, else empty (they pick one).
func (s *Service) SuggestLogin(ctx context.Context, a LegacyAccount) string {
	var fe errs.Fields
	CheckLoginName(&fe, "login_name", a.Login)
	if len(fe) > 0 {
		return ""
	}
	if taken, err := s.Store.LoginTaken(ctx, a.Login); err != nil || taken {
		return ""
	}
	return a.Login
}
