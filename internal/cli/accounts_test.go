package cli

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/app"
	"github.com/ecship/ecship/internal/config"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/store/storetest"
)

// openTestApp opens the app on the database and data directory the commands used.
func openTestApp(t *testing.T, env map[string]string) *app.App {
	t.Helper()
	cfg := config.Defaults()
	cfg.DB, cfg.DataDir = env["ECSHIP_DB"], env["ECSHIP_DATA"]
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// eachDB runs test with a command environment per configured database.
func eachDB(t *testing.T, test func(t *testing.T, env map[string]string)) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			test(t, map[string]string{"ECSHIP_DB": dsn, "ECSHIP_DATA": t.TempDir()})
		})
	}
}

var userID = regexp.MustCompile(`^usr_[a-z0-9]+\n$`)

func addUser(t *testing.T, env map[string]string, email string) {
	t.Helper()
	if code, out, errOut := run(t, env, "user", "add", "--email", email, "--password", "correct horse"); code != 0 || !userID.MatchString(out) {
		t.Fatalf("user add %s: exit %d, stdout %q, stderr %s", email, code, out, errOut)
	}
}

func TestUserAdd(t *testing.T) {
	eachDB(t, func(t *testing.T, env map[string]string) {
		code, out, errOut := run(t, env, "user", "add", "--email", "Counter.Staff@example.hk", "--password", "correct horse", "--role", "counter")
		if code != 0 || !userID.MatchString(out) {
			t.Fatalf("user add: exit %d, stdout %q (want the id alone), stderr %s", code, out, errOut)
		}
		a := openTestApp(t, env)
		u, err := a.Accounts.SignIn(context.Background(), "counter.staff@example.hk", "correct horse", account.Client{IP: "192.0.2.1"})
		if err != nil {
			t.Fatalf("sign in: %v", err)
		}
		if u.ID != strings.TrimSpace(out) || u.Role != account.Counter || !u.Verified() || u.LoginName != "CounterStaff" {
			t.Errorf("user %+v, printed %q", u, out)
		}
		if _, err := a.Accounts.SignIn(context.Background(), "CounterStaff", "correct horse", account.Client{IP: "192.0.2.1"}); err != nil {
			t.Errorf("sign in with the derived login name: %v", err)
		}

		code, out, errOut = run(t, env, "user", "add", "--email", "counter.staff@EXAMPLE.hk", "--password", "another pass", "--login", "other")
		if code != ExitUsage || out != "" || !strings.Contains(errOut, "ecship user add: --email: ") {
			t.Errorf("duplicate email: exit %d, stdout %q, stderr %q", code, out, errOut)
		}
		code, _, errOut = run(t, env, "user", "add", "--email", "x@example.hk", "--password", "long enough", "--role", "boss", "--login", "a.b")
		if code != ExitUsage || !strings.Contains(errOut, "--role: Choose sender, counter or admin.") || !strings.Contains(errOut, "--login: ") {
			t.Errorf("bad role and login: exit %d, stderr %q", code, errOut)
		}
		if code, _, _ := run(t, env, "user"); code != ExitUsage {
			t.Errorf("user without a verb: exit %d", code)
		}
	})
}

func TestAPIKeyCreate(t *testing.T) {
	eachDB(t, func(t *testing.T, env map[string]string) {
		addUser(t, env, "keys@example.hk")
		code, out, errOut := run(t, env, "apikey", "create", "--user", "keys@example.hk", "--mode", "live")
		if code != 0 || !regexp.MustCompile(`^ek_live_[a-z0-9]+\n$`).MatchString(out) {
			t.Fatalf("apikey create: exit %d, stdout %q, stderr %s", code, out, errOut)
		}
		a := openTestApp(t, env)
		k, u, err := a.Accounts.AuthenticateKey(context.Background(), strings.TrimSpace(out))
		if err != nil || u.Email != "keys@example.hk" || k.Mode != account.Live || k.Name != defaultKeyName {
			t.Errorf("AuthenticateKey: %+v %+v %v", k, u, err)
		}
		code, out, _ = run(t, env, "apikey", "create", "--user", "KEYS@example.hk", "--name", "shop")
		if code != 0 || !strings.HasPrefix(out, "ek_test_") {
			t.Errorf("default mode: exit %d, %q", code, out)
		}
		code, out, errOut = run(t, env, "apikey", "create", "--user", "nobody@example.hk")
		if code != ExitUsage || out != "" || !strings.Contains(errOut, "--user: no user") {
			t.Errorf("unknown user: exit %d, stdout %q, stderr %q", code, out, errOut)
		}
		if code, _, errOut := run(t, env, "apikey", "create", "--user", "keys@example.hk", "--mode", "prod"); code != ExitUsage || !strings.Contains(errOut, "--mode") {
			t.Errorf("bad mode: exit %d, %q", code, errOut)
		}
	})
}

func TestIntegratorCreate(t *testing.T) {
	eachDB(t, func(t *testing.T, env map[string]string) {
		addUser(t, env, "soap@example.hk")
		code, out, errOut := run(t, env, "integrator", "create", "--user", "soap@example.hk", "--username", "shop.soap", "--password", "Secret-123")
		if code != 0 || !regexp.MustCompile(`^int_[a-z0-9]+\tshop\.soap\n$`).MatchString(out) {
			t.Fatalf("integrator create: exit %d, stdout %q, stderr %s", code, out, errOut)
		}
		if !strings.Contains(errOut, "127.0.0.1/32,::1/128") {
			t.Errorf("the default allow-list is not said on stderr: %q", errOut)
		}
		a := openTestApp(t, env)
		in, err := a.Store.IntegratorByUsername(context.Background(), "shop.soap")
		if err != nil || in.Mode != account.Test || len(in.AllowIPs) != 2 {
			t.Fatalf("stored: %+v %v", in, err)
		}
		if pw, err := a.Accounts.Secrets.Open(in.Sealed); err != nil || pw != "Secret-123" {
			t.Errorf("sealed password opens to %q, %v", pw, err)
		}

		code, out, errOut = run(t, env, "integrator", "create", "--user", "soap@example.hk", "--username", strings.Repeat("u", 21), "--password", "Secret-123", "--allow-ip", "203.0.113.0/24")
		if code != ExitUsage || out != "" || !strings.Contains(errOut, "ecship integrator create: --username: At most 20") {
			t.Errorf("21-character username: exit %d, stdout %q, stderr %q", code, out, errOut)
		}
		code, _, errOut = run(t, env, "integrator", "create", "--user", "soap@example.hk", "--username", "shop.soap", "--password", "Secret-123", "--allow-ip", "203.0.113.7", "--mode", "live")
		if code != ExitUsage || !strings.Contains(errOut, "--username: This username is taken.") {
			t.Errorf("taken username: exit %d, %q", code, errOut)
		}
		code, _, errOut = run(t, env, "integrator", "create", "--user", "soap@example.hk", "--username", "other", "--password", "Secret-123", "--allow-ip", "somewhere")
		if code != ExitUsage || !strings.Contains(errOut, "--allow-ip: ") {
			t.Errorf("bad --allow-ip: exit %d, %q", code, errOut)
		}
		code, _, errOut = run(t, env, "integrator", "create", "--user", "soap@example.hk", "--username", "other", "--allow-ip", "")
		if code != ExitUsage || !strings.Contains(errOut, "--password: ") || !strings.Contains(errOut, "--allow-ip: ") {
			t.Errorf("no password, empty --allow-ip: exit %d, %q", code, errOut)
		}
	})
}

const legacyFile = "../../testdata/legacy-members.csv"

func TestLegacyImport(t *testing.T) {
	eachDB(t, func(t *testing.T, env map[string]string) {
		code, out, errOut := run(t, env, "legacy", "import", legacyFile)
		if code != 0 || out != "imported: 6 added, 0 updated\n" {
			t.Fatalf("legacy import: exit %d, stdout %q, stderr %s", code, out, errOut)
		}
		code, out, errOut = run(t, env, "legacy", "import", "--db", env["ECSHIP_DB"], legacyFile)
		if code != 0 || out != "imported: 0 added, 6 updated\n" {
			t.Fatalf("second import: exit %d, stdout %q, stderr %s", code, out, errOut)
		}
		a := openTestApp(t, env)
		ctx := context.Background()
		m, err := a.Accounts.LegacySignIn(ctx, account.LSOS, "stamp.fan", "first-day-covers", account.Client{IP: "192.0.2.1"})
		if err != nil || m.MembershipNo != "100000025" {
			t.Errorf("legacy sign-in: %+v %v", m, err)
		}

		bad := filepath.Join(t.TempDir(), "bad.csv")
		csv := strings.Join(account.LegacyColumns, ",") + "\n" +
			"lsos,goodrow,100000099,good@example.hk,Good,Row,91111111,en," + account.LegacySHA256("s", "pw") + "\n" +
			"lsos,badrow,12345,bad@example.hk,Bad,Row,92222222,en," + account.LegacySHA256("s", "pw") + "\n"
		if err := os.WriteFile(bad, []byte(csv), 0o600); err != nil {
			t.Fatal(err)
		}
		code, out, errOut = run(t, env, "legacy", "import", bad)
		if code != ExitUsage || out != "" || !strings.Contains(errOut, "row 3, column membership_no: ") || !strings.Contains(errOut, "nothing imported") {
			t.Errorf("bad row: exit %d, stdout %q, stderr %q", code, out, errOut)
		}
		if _, err := a.Store.LegacyAccount(ctx, account.LSOS, "goodrow"); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("the good row of a bad file was imported: %v", err)
		}

		if code, _, _ := run(t, env, "legacy", "import"); code != ExitUsage {
			t.Errorf("no file: exit %d", code)
		}
		if code, _, errOut := run(t, env, "legacy", "import", filepath.Join(t.TempDir(), "missing.csv")); code != ExitUsage || !strings.Contains(errOut, "missing.csv") {
			t.Errorf("missing file: exit %d, %q", code, errOut)
		}
	})
}

func TestLegacyImportProgress(t *testing.T) {
	env := map[string]string{"ECSHIP_DATA": t.TempDir()}
	var b strings.Builder
	b.WriteString(strings.Join(account.LegacyColumns, ",") + "\n")
	hash := account.LegacySHA256("s", "pw")
	for i := range 2500 {
		b.WriteString("ecship,user" + strconv.Itoa(i) + ",,,,,,," + hash + "\n")
	}
	file := filepath.Join(t.TempDir(), "many.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, env, "legacy", "import", file)
	if code != 0 || out != "imported: 2500 added, 0 updated\n" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, out, errOut)
	}
	for _, want := range []string{"1000 rows read\n", "2000 rows read\n", "2500 rows read, all valid"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestPositional(t *testing.T) {
	flags, pos := positional([]string{"--db", "sqlite:x", "a.csv", "-data=d", "--", "-b.csv"}, "db", "data")
	if strings.Join(flags, " ") != "--db sqlite:x -data=d" || strings.Join(pos, " ") != "a.csv -b.csv" {
		t.Errorf("flags %q, positional %q", flags, pos)
	}
}
