package app

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
)

// demoUser is a Hongkong Post ID the demo adds, with its password.
type demoUser struct {
	Email, Password string
	Role            account.Role
}

var demoUsers = []demoUser{
	{"admin@demo.ecship.hk", "demo-admin-pw", account.Admin},
	{"counter@demo.ecship.hk", "demo-counter-pw", account.Counter},
	{"sender@demo.ecship.hk", "demo-sender-pw", account.Sender},
}

// demoLegacy is a legacy member the demo imports: the same rows as testdata/legacy-members.csv, with
// the passwords their hashes were made from.
type demoLegacy struct {
	account.LegacyAccount
	Salt, Password, Note string
}

var demoLegacyMembers = []demoLegacy{
	{account.LegacyAccount{System: account.LSOS, Login: "chantaiman", MembershipNo: "100000017", Email: "chan.taiman@example.hk",
		FirstName: "Tai Man", LastName: "Chan", Phone: "91234567", Lang: "zh-Hant"},
		"q7Lw2x", "stamps-since-1998", "Stamp OnNet member 100000017: upgrades keeping the login name"},
	{account.LegacyAccount{System: account.LSOS, Login: "stamp.fan", MembershipNo: "100000025", Email: "stamp.fan@example.hk",
		FirstName: "Siu Ming", LastName: "Lee", Phone: "92345678", Lang: "en"},
		"Kp3vR9", "first-day-covers", "Stamp OnNet member 100000025: must pick a new login name"},
	{account.LegacyAccount{System: account.OMOS, Login: "overseascollector", MembershipNo: "200000031", Email: "collector@example.com",
		FirstName: "Mei Ling", LastName: "Wong", Phone: "442079460958", Lang: "zh-Hans"},
		"Zt8mN4", "overseas-standing-order", "Stamp OnNet overseas member 200000031: upgrades"},
	{account.LegacyAccount{System: account.ECShip, Login: "HKTRADER01", Email: "shipping@hktrader.example.hk",
		FirstName: "Ka Yan", LastName: "Ho", Phone: "23456789", Lang: "en"},
		"Bf5sQ1", "ecship-old-2019", "EC-Ship account: link it to a Hongkong Post ID"},
	{account.LegacyAccount{System: account.Speedpost, Login: "speedyshop", Email: "orders@speedyshop.example.hk",
		FirstName: "Wing", LastName: "Cheung", Phone: "34567890", Lang: "zh-Hant"},
		"Wr6yT3", "speedpost-old-2020", "My Speedpost account: link it"},
	{account.LegacyAccount{System: account.Circular, Login: "circulars@printshop.example.hk", Email: "circulars@printshop.example.hk",
		FirstName: "Hoi", LastName: "Lam", Phone: "45678901", Lang: "en"},
		"Jd2cV8", "circular-old-2018", "Circular Service account (signs in with its email): link it"},
}

// Demo adds demonstration data and says what it added: users of each role and legacy members to
// upgrade or link. It can run again on the same database: what is there already stays.
func (a *App) Demo(ctx context.Context, out io.Writer) error {
	fmt.Fprintln(out, "demo: the postage comparison needs no account; open the portal and compare, e.g. 450 g to Japan")

	fmt.Fprintln(out, "demo: Hongkong Post IDs (sign in at /login with the email or login name):")
	tw := newTable(out, "  ROLE\tEMAIL\tLOGIN\tPASSWORD")
	users := map[account.Role]*account.User{}
	for _, d := range demoUsers {
		u, added, err := a.demoUser(ctx, d)
		if err != nil {
			return fmt.Errorf("demo user %s: %w", d.Email, err)
		}
		users[d.Role] = u
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s", u.Role, u.Email, u.LoginName, d.Password)
		if !added {
			fmt.Fprint(tw, "\t(already there: the password is as last set)")
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if err := a.demoShipments(ctx, out, users[account.Sender], users[account.Counter]); err != nil {
		return fmt.Errorf("demo labels: %w", err)
	}

	legacy := make([]account.LegacyAccount, len(demoLegacyMembers))
	for i, m := range demoLegacyMembers {
		legacy[i] = m.LegacyAccount
		legacy[i].PasswordHash = account.LegacySHA256(m.Salt, m.Password)
	}
	if _, _, err := a.Store.ImportLegacy(ctx, legacy); err != nil {
		return fmt.Errorf("demo legacy members: %w", err)
	}
	fmt.Fprintln(out, "demo: legacy members (Stamp OnNet members upgrade to a Hongkong Post ID; the others link to one):")
	tw = newTable(out, "  SYSTEM\tLOGIN\tPASSWORD\tNOTE")
	for _, m := range demoLegacyMembers {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", m.System, m.Login, m.Password, m.Note)
	}
	return tw.Flush()
}

// newTable starts a table of tab-separated columns under a header line.
func newTable(out io.Writer, header string) *tabwriter.Writer {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	return tw
}

// demoUser adds a demo user unless a user with its email exists; added says which.
func (a *App) demoUser(ctx context.Context, d demoUser) (*account.User, bool, error) {
	u, err := a.Store.UserByLogin(ctx, d.Email)
	if err == nil {
		return u, false, nil
	}
	if errs.CodeOf(err) != errs.NotFound {
		return nil, false, err
	}
	u, err = a.Accounts.CreateUser(ctx, "", d.Email, d.Password, d.Role)
	if errs.CodeOf(err) == errs.Invalid {
		// Another process started with --demo at the same moment and added it first.
		if u, err2 := a.Store.UserByLogin(ctx, d.Email); err2 == nil {
			return u, false, nil
		}
	}
	return u, err == nil, err
}
