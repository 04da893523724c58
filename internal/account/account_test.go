package account

import (
	"strings"
	"testing"

	"github.com/ecship/ecship/internal/errs"
)

func fields(err error) string {
	if err == nil {
		return ""
	}
	var out []string
	for _, f := range errs.As(err).Fields {
		out = append(out, f.Field+"="+f.Key)
	}
	return strings.Join(out, " ")
}

func goodRegistration() Registration {
	return Registration{LoginName: "chantaiman", Email: "tm@example.hk", EmailConfirm: "TM@example.hk", Password: "harbour-view-8",
		Profile: Profile{FirstName: "Tai Man", LastName: "Chan", Phone: "85291234567", Lang: "zh-Hant"}}
}

// rule: ACC-2, ACC-3, ACC-4, ACC-5, ACC-10
func TestRegistrationFieldRules(t *testing.T) {
	if err := func() error { r := goodRegistration(); return r.Validate() }(); err != nil {
		t.Fatalf("a good registration is refused: %v", err)
	}
	cases := []struct {
		name  string
		edit  func(*Registration)
		field string
		key   string
	}{
		{"login empty", func(r *Registration) { r.LoginName = "" }, "login_name", "account.login.required"},
		{"login too short", func(r *Registration) { r.LoginName = "ab" }, "login_name", "account.login.length"},
		{"login 3 ok", func(r *Registration) { r.LoginName = "abc" }, "", ""},
		{"login 50 ok", func(r *Registration) { r.LoginName = strings.Repeat("a", 50) }, "", ""},
		{"login 51", func(r *Registration) { r.LoginName = strings.Repeat("a", 51) }, "login_name", "account.login.length"},
		{"login with dot", func(r *Registration) { r.LoginName = "chan.tm" }, "login_name", "account.login.charset"},
		{"login with space", func(r *Registration) { r.LoginName = "chan tm" }, "login_name", "account.login.charset"},
		{"login with Chinese", func(r *Registration) { r.LoginName = "陳大文" }, "login_name", "account.login.charset"},
		{"login membership number", func(r *Registration) { r.LoginName = "123456789" }, "login_name", "account.login.membership_number"},
		{"login 8 digits ok", func(r *Registration) { r.LoginName = "12345678" }, "", ""},
		{"email empty", func(r *Registration) { r.Email, r.EmailConfirm = "", "" }, "email", "account.email.required"},
		{"email 50 ok", func(r *Registration) { r.Email = strings.Repeat("a", 38) + "@example.com"; r.EmailConfirm = r.Email }, "", ""},
		{"email 51", func(r *Registration) { r.Email = strings.Repeat("a", 39) + "@example.com"; r.EmailConfirm = r.Email }, "email", "account.email.too_long"},
		{"email syntax", func(r *Registration) { r.Email, r.EmailConfirm = "tm.example.hk", "tm.example.hk" }, "email", "account.email.syntax"},
		{"email mismatch", func(r *Registration) { r.EmailConfirm = "tm@example.com" }, "email_confirm", "account.email.mismatch"},
		{"email confirm missing", func(r *Registration) { r.EmailConfirm = "" }, "email_confirm", "account.email.confirm_required"},
		{"first name 30 ok", func(r *Registration) { r.FirstName = strings.Repeat("大", 30) }, "", ""},
		{"first name 31", func(r *Registration) { r.FirstName = strings.Repeat("大", 31) }, "first_name", "account.name.too_long"},
		{"last name empty", func(r *Registration) { r.LastName = " " }, "last_name", "account.name.required"},
		{"last name 31", func(r *Registration) { r.LastName = strings.Repeat("x", 31) }, "last_name", "account.name.too_long"},
		{"phone empty", func(r *Registration) { r.Phone = "" }, "phone", "account.phone.required"},
		{"phone with plus", func(r *Registration) { r.Phone = "+85291234567" }, "phone", "account.phone.digits"},
		{"phone with space", func(r *Registration) { r.Phone = "9123 4567" }, "phone", "account.phone.digits"},
		{"phone 25 ok", func(r *Registration) { r.Phone = strings.Repeat("9", 25) }, "", ""},
		{"phone 26", func(r *Registration) { r.Phone = strings.Repeat("9", 26) }, "phone", "account.phone.too_long"},
		{"password short", func(r *Registration) { r.Password = "short" }, "password", "account.password.too_short"},
		{"password is login", func(r *Registration) { r.Password = "ChanTaiMan" }, "password", "account.password.is_login"},
		{"language unknown", func(r *Registration) { r.Lang = "fr" }, "lang", "account.lang.unknown"},
	}
	for _, tc := range cases {
		r := goodRegistration()
		tc.edit(&r)
		r.Normalize()
		got := fields(r.Validate())
		want := ""
		if tc.field != "" {
			want = tc.field + "=" + tc.key
		}
		if got != want {
			t.Errorf("%s: %q; want %q", tc.name, got, want)
		}
	}
	// Every rule broken at once: every field reported.
	r := Registration{LoginName: "a.", Email: "x", EmailConfirm: "y", Password: "1", Profile: Profile{Phone: "abc"}}
	got := fields(r.Validate())
	for _, f := range []string{"login_name=", "email=", "email_confirm=", "password=", "first_name=", "last_name=", "phone="} {
		if !strings.Contains(got, f) {
			t.Errorf("all rules broken: %q lacks %s", got, f)
		}
	}
}

// rule: ACC-11
func TestAccessByRole(t *testing.T) {
	sender := &User{Role: Sender}
	counter := &User{Role: Counter}
	admin := &User{Role: Admin}
	table := []struct {
		a    Access
		want [4]bool // nobody, sender, counter, admin
	}{
		{Public, [4]bool{true, true, true, true}},
		{Anonymous, [4]bool{true, false, false, false}},
		{SignedIn, [4]bool{false, true, true, true}},
		{CounterStaff, [4]bool{false, false, true, true}},
		{AdminOnly, [4]bool{false, false, false, true}},
	}
	for _, row := range table {
		for i, u := range []*User{nil, sender, counter, admin} {
			if got := Allows(u, row.a); got != row.want[i] {
				t.Errorf("Allows(%v, %s) = %v", u, row.a, got)
			}
		}
	}
}

// Chinese names are written family name first; others given name first.
func TestUserName(t *testing.T) {
	for _, c := range []struct{ first, last, want string }{
		{"大文", "陳", "陳大文"}, {"Tai Man", "Chan", "Tai Man Chan"}, {"太郎", "山田", "山田太郎"}, {"", "Chan", "Chan"}, {"Mei", "", "Mei"},
	} {
		if got := (&User{FirstName: c.first, LastName: c.last}).Name(); got != c.want {
			t.Errorf("%q %q: %q, want %q", c.first, c.last, got, c.want)
		}
	}
}
