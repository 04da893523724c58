package cli

import (
	"database/sql"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/tracking"
)

// usageText is what ecship says with no command, or with help.
const usageText = "usage: ecship COMMAND [flags]\n\ncommands:\n" +
	"  serve      run the web portal and APIs\n" +
	"  migrate    bring the database schema up to date\n" +
	"  quote      compare postage for an item\n" +
	"  batch      prepare labels from a CSV or Excel file (batch upload FILE --user EMAIL)\n" +
	"  settle     run the card settlement now (it runs daily at 20:00 Hong Kong time)\n" +
	"  deposit    deposit open|topup|statement: permit mailing deposit accounts (operations)\n" +
	"  ledger     check that the books balance and match the gateway (ledger check)\n" +
	"  weather    record days of Black Rainstorm or Typhoon Signal No. 8+ (not working days)\n" +
	"  user       user add: add a Hongkong Post ID (email counted as verified)\n" +
	"  apikey     apikey create: make a REST API key for a user\n" +
	"  integrator integrator create: make SOAP credentials for a user\n" +
	"  legacy     legacy import FILE: import legacy member accounts from CSV\n" +
	"  events     events import FILE: record tracking events from CSV\n" +
	"  version    print the version\n" +
	"\nRun 'ecship COMMAND -h' for a command's flags.\n"

// dbFlagsHelp is the help of the flags of every command that opens the database.
const dbFlagsHelp = "  -data DIR\n    \tdata DIR (env ECSHIP_DATA) (default \"$TMP/data\")\n" +
	"  -db DSN\n    \tdatabase DSN: sqlite:PATH or postgres://... (env ECSHIP_DB; default SQLite under --data) (default \"sqlite:$TMP/ecship.db\")\n"

// exitCase is one command line and all it answers: the exit code, stdout and stderr to the letter,
// with the test's temporary directory written $TMP (in args and env too) and a port taken $ADDR.
type exitCase struct {
	name           string
	args           []string
	env            map[string]string // over the test's environment
	code           int
	stdout, stderr string
	stdoutPrefix   bool // stdout only starts so
}

// TestExitCodesAndMessages is the contract of the command line: every way a command ends, with its
// exit code and its words on stdout and stderr.
func TestExitCodesAndMessages(t *testing.T) {
	tmp := t.TempDir()
	dsn := "sqlite:" + filepath.Join(tmp, "ecship.db")
	env := map[string]string{"ECSHIP_DB": dsn, "ECSHIP_DATA": filepath.Join(tmp, "data"), "ECSHIP_LOG_LEVEL": "warn"}
	addUser(t, env, "known@example.hk")
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(tmp, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A database that cannot be opened: its directory is a file.
	write("file", "")
	broken := map[string]string{"ECSHIP_DB": "sqlite:" + filepath.Join(tmp, "file", "ecship.db")}
	write("legacy.csv", strings.Join(account.LegacyColumns, ",")+"\nlsos,goodrow,100000099,good@example.hk,Good,Row,91111111,en,"+account.LegacySHA256("s", "pw")+"\n")
	write("legacy-bad.csv", strings.Join(account.LegacyColumns, ",")+"\n"+
		"lsos,badrow,12345,bad@example.hk,Bad,Row,92222222,en,"+account.LegacySHA256("s", "pw")+"\n"+
		"lsos,,100000099,bad@example.hk,Bad,Row,92222222,en,nohash\n")
	write("legacy-columns.csv", "system,login\nlsos,x\n")
	write("events.csv", strings.Join(tracking.Columns, ",")+"\nLA000000014HK,EMA,2026-11-13 10:00,HK,,\n")
	write("events-bad.csv", "item_no,code,time,country\nLA000000014HK,EMA,2026-11-13 10:00,HK\nLA000000014HK,XYZ,25/11/2026,ZZ\n")
	write("events-columns.csv", "item_no,code,time,country,timezone\nLA000000014HK,EMD,2026-11-13 10:00,US,America/Los_Angeles\n")
	write("empty.csv", "")
	write("not-a-database", strings.Repeat("not a database\n", 100))
	write("batch-bad.csv", "service,reference,weight_g\nAEX,CLI,heavy\n")

	// A port taken, for serve to fail on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	taken := l.Addr().String()
	hide := strings.NewReplacer(tmp, "$TMP", taken, "$ADDR")

	cases := []exitCase{
		{name: "no command", code: ExitUsage, stderr: usageText},
		{name: "help", args: []string{"help"}, stderr: usageText},
		{name: "-h", args: []string{"-h"}, stderr: usageText},
		{name: "--help", args: []string{"--help"}, stderr: usageText},
		{name: "unknown command", args: []string{"nonsense"}, code: ExitUsage, stderr: "ecship: unknown command \"nonsense\"\n\n" + usageText},
		{name: "version", args: []string{"version"}, stdout: "ecship dev\n"},

		{name: "flags help", args: []string{"migrate", "-h"}, stderr: "usage: ecship migrate [--db DSN] [--data DIR]\n\nflags:\n" + dbFlagsHelp},
		{name: "unknown flag", args: []string{"migrate", "--bogus"}, code: ExitUsage, stderr: "flag provided but not defined: -bogus\nusage: ecship migrate [--db DSN] [--data DIR]\n\nflags:\n" + dbFlagsHelp},
		{name: "unexpected argument", args: []string{"migrate", "extra"}, code: ExitUsage, stderr: "ecship migrate: unexpected argument \"extra\"\n"},
		{name: "bad environment", args: []string{"migrate"}, env: map[string]string{"ECSHIP_LOG_LEVEL": "loud"}, code: ExitUsage, stderr: "ecship migrate: ECSHIP_LOG_LEVEL: \"loud\" is not debug, info, warn or error\n"},
		{name: "bad config", args: []string{"migrate", "--db", "mysql://x"}, code: ExitUsage, stderr: "ecship migrate: db: must be sqlite:PATH or postgres://USER@HOST/DB\n"},
		{name: "bad --addr", args: []string{"serve", "--addr", "nowhere"}, code: ExitUsage, stderr: "ecship serve: addr: \"nowhere\" is not HOST:PORT\n"},
		{name: "migrate", args: []string{"migrate"}, stdout: "database sqlite:$TMP/ecship.db is up to date\n"},
		{name: "migrate fails", args: []string{"migrate"}, env: broken, code: ExitError, stderr: "ecship migrate: store: mkdir $TMP/file: not a directory\n"},

		{name: "serve fails", args: []string{"serve", "--addr", taken}, env: map[string]string{"ECSHIP_METRICS_ADDR": "off"}, code: ExitError, stderr: "ecship serve: listen tcp $ADDR: bind: address already in use\n"},
		{name: "serve cannot open", args: []string{"serve", "--addr", "127.0.0.1:0"}, env: broken, code: ExitError, stderr: "ecship serve: store: mkdir $TMP/file: not a directory\n"},

		{name: "user no verb", args: []string{"user"}, code: ExitUsage, stderr: "usage: ecship user add --email E --password P [--login NAME] [--role sender|counter|admin]\n\nRun 'ecship user add -h' for the flags.\n"},
		{name: "user help", args: []string{"user", "-h"}, stderr: "usage: ecship user add --email E --password P [--login NAME] [--role sender|counter|admin]\n\nRun 'ecship user add -h' for the flags.\n"},
		{name: "user other verb", args: []string{"user", "delete"}, code: ExitUsage, stderr: "usage: ecship user add --email E --password P [--login NAME] [--role sender|counter|admin]\n\nRun 'ecship user add -h' for the flags.\n"},
		{name: "user add help", args: []string{"user", "add", "-h"}, stderr: "usage: ecship user add --email E --password P [--login NAME] [--role sender|counter|admin]\n\nflags:\n" + dbFlagsHelp + "  -email address\n    \tthe user's email address (counts as verified)\n  -login name\n    \tlogin name (default: the letters and digits of the email before @)\n  -password password\n    \tthe user's password\n  -role role\n    \trole: sender, counter or admin (default \"sender\")\n"},
		{name: "user add taken", args: []string{"user", "add", "--email", "known@example.hk", "--password", "correct horse"}, code: ExitUsage, stderr: "ecship user add: --email: This email address already has a Hongkong Post ID. Sign in, or use Forgot password.\n"},
		{name: "user add several", args: []string{"user", "add", "--email", "x@example.hk", "--password", "long enough", "--role", "boss", "--login", "a.b"}, code: ExitUsage, stderr: "ecship user add: --login: Use letters and digits only.\necship user add: --role: Choose sender, counter or admin.\n"},
		{name: "user add cannot open", args: []string{"user", "add", "--email", "y@example.hk", "--password", "correct horse"}, env: broken, code: ExitError, stderr: "ecship user add: store: mkdir $TMP/file: not a directory\n"},

		{name: "apikey bad mode", args: []string{"apikey", "create", "--user", "known@example.hk", "--mode", "prod"}, code: ExitUsage, stderr: "ecship apikey create: --mode: Choose test or live.\n"},
		{name: "apikey no user", args: []string{"apikey", "create"}, code: ExitUsage, stderr: "ecship apikey create: --user: give the email address of the user\n"},
		{name: "apikey unknown user", args: []string{"apikey", "create", "--user", "nobody@example.hk"}, code: ExitUsage, stderr: "ecship apikey create: --user: no user has the email address or login name \"nobody@example.hk\" (add one with ecship user add)\n"},
		{name: "apikey cannot open", args: []string{"apikey", "create", "--user", "known@example.hk"}, env: broken, code: ExitError, stderr: "ecship apikey create: store: mkdir $TMP/file: not a directory\n"},
		{name: "apikey bad name", args: []string{"apikey", "create", "--user", "known@example.hk", "--name", strings.Repeat("n", 500)}, code: ExitUsage, stderr: "ecship apikey create: --name: At most 60 characters.\n"},

		{name: "integrator bad allow-ip", args: []string{"integrator", "create", "--user", "known@example.hk", "--username", "u", "--password", "Secret-123", "--allow-ip", "somewhere"}, code: ExitUsage, stderr: "ecship integrator create: --allow-ip: Give IP addresses or CIDR ranges, separated by commas.\n"},
		{name: "integrator invalid", args: []string{"integrator", "create", "--user", "known@example.hk", "--username", "u"}, code: ExitUsage, stderr: "ecship integrator create: no --allow-ip: the credentials work from this machine only (127.0.0.1/32,::1/128)\necship integrator create: --password: 8 to 64 letters, digits, dots, dashes or underscores.\n"},
		{name: "integrator no user", args: []string{"integrator", "create", "--username", "u", "--password", "Secret-123"}, code: ExitUsage, stderr: "ecship integrator create: --user: give the email address of the user\n"},
		{name: "integrator unknown user", args: []string{"integrator", "create", "--user", "nobody", "--username", "u", "--password", "Secret-123", "--allow-ip", "10.0.0.1"}, code: ExitUsage, stderr: "ecship integrator create: --user: no user has the email address or login name \"nobody\" (add one with ecship user add)\n"},

		{name: "deposit no verb", args: []string{"deposit"}, code: ExitUsage, stderr: "usage: ecship deposit open --user EMAIL --name NAME [--mode live|test]\n       ecship deposit topup --account ID --amount HKD --reference REF\n       ecship deposit statement --account ID\n"},
		{name: "deposit help", args: []string{"deposit", "help"}, stderr: "usage: ecship deposit open --user EMAIL --name NAME [--mode live|test]\n       ecship deposit topup --account ID --amount HKD --reference REF\n       ecship deposit statement --account ID\n"},
		{name: "deposit open unknown user", args: []string{"deposit", "open", "--user", "nobody@example.hk", "--name", "P"}, code: ExitUsage, stderr: "ecship deposit open: --user: no user has the email address or login name \"nobody@example.hk\" (add one with ecship user add)\n"},
		{name: "deposit open bad mode", args: []string{"deposit", "open", "--user", "known@example.hk", "--mode", "x"}, code: ExitUsage, stderr: "ecship deposit open: --mode: Choose test or live.\n"},
		{name: "deposit topup bad amount", args: []string{"deposit", "topup", "--account", "dep_x", "--amount", "lots"}, code: ExitUsage, stderr: "ecship deposit topup: --amount: \"lots\" is not an amount like 5000.00\n"},
		{name: "deposit topup unknown account", args: []string{"deposit", "topup", "--account", "dep_x", "--amount", "10.00", "--reference", "R"}, code: ExitError, stderr: "ecship deposit topup: Not found.\n"},
		{name: "deposit topup cannot open", args: []string{"deposit", "topup", "--account", "dep_x", "--amount", "10.00", "--reference", "R"}, env: broken, code: ExitError, stderr: "ecship deposit topup: store: mkdir $TMP/file: not a directory\n"},
		{name: "deposit statement unknown account", args: []string{"deposit", "statement", "--account", "dep_x"}, code: ExitError, stderr: "ecship deposit statement: Not found.\n"},

		{name: "legacy no file", args: []string{"legacy", "import"}, code: ExitUsage, stderr: "usage: ecship legacy import FILE\n\nThe CSV file has a header row naming the columns system,login,membership_no,email,first_name,last_name,phone,lang,password_hash.\n"},
		{name: "legacy two files", args: []string{"legacy", "import", "a.csv", "b.csv"}, code: ExitUsage, stderr: "usage: ecship legacy import FILE\n\nThe CSV file has a header row naming the columns system,login,membership_no,email,first_name,last_name,phone,lang,password_hash.\n"},
		{name: "legacy missing file", args: []string{"legacy", "import", "$TMP/missing.csv"}, code: ExitUsage, stderr: "ecship legacy import: open $TMP/missing.csv: no such file or directory\n"},
		{name: "legacy bad rows", args: []string{"legacy", "import", "$TMP/legacy-bad.csv"}, code: ExitUsage, stderr: "row 2, column membership_no: Stamp OnNet members have a 9-digit membership number\nrow 3, column login: is empty\nrow 3, column password_hash: must be an argon2id PHC string or sha256$SALT$HEX\necship legacy import: $TMP/legacy-bad.csv: 3 problems: nothing imported\n"},
		{name: "legacy bad columns", args: []string{"legacy", "import", "$TMP/legacy-columns.csv"}, code: ExitUsage, stderr: "ecship legacy import: $TMP/legacy-columns.csv: legacy import: the header lacks column \"membership_no\" (want system,login,membership_no,email,first_name,last_name,phone,lang,password_hash)\n"},
		{name: "legacy cannot open", args: []string{"legacy", "import", "$TMP/legacy.csv"}, env: broken, code: ExitError, stderr: "ecship legacy import: 1 rows read, all valid: importing\necship legacy import: store: mkdir $TMP/file: not a directory\n"},

		{name: "events no file", args: []string{"events", "import"}, code: ExitUsage, stderr: "usage: ecship events import FILE\n\nThe CSV file has a header row naming the columns item_no,code,time,country,office,time_zone.\n"},
		{name: "events missing file", args: []string{"events", "import", "$TMP/missing.csv"}, code: ExitUsage, stderr: "ecship events import: open $TMP/missing.csv: no such file or directory\n"},
		{name: "events bad rows", args: []string{"events", "import", "$TMP/events-bad.csv"}, code: ExitUsage, stderr: "row 3, code: XYZ is not a UPU EMSEVT event code (EMA, EMC, EMD, EDG, EMI...).\nrow 3, country: ZZ is not a country or region code: use two letters, like JP.\nrow 3, time_zone: Give the place's time zone, like Asia/Tokyo ( is not one).\nrow 3, time: Give the time like 2026-11-23 14:05 (local to the place) or 2026-11-23T14:05:00+09:00.\necship events import: $TMP/events-bad.csv: problems in the rows above: nothing imported\n"},
		{name: "events bad columns", args: []string{"events", "import", "$TMP/events-columns.csv"}, code: ExitUsage, stderr: "ecship events import: $TMP/events-columns.csv: the header row names a column \"timezone\" that is not one of item_no,code,time,country,office,time_zone\n"},
		{name: "events cannot open", args: []string{"events", "import", "$TMP/events.csv"}, env: broken, code: ExitError, stderr: "ecship events import: store: mkdir $TMP/file: not a directory\n"},

		{name: "batch no verb", args: []string{"batch"}, code: ExitUsage, stderr: "usage: ecship batch upload FILE --user EMAIL [--mode test|live] [--encoding E] [--sheet NAME]\n"},
		{name: "batch no file", args: []string{"batch", "upload", "--user", "known@example.hk"}, code: ExitUsage, stderr: "ecship batch upload: name the FILE\n"},
		{name: "batch help", args: []string{"batch", "upload", "-h"}, stderr: "usage: ecship batch upload FILE --user EMAIL [--mode test|live] [--encoding E] [--sheet NAME]\n\nflags:\n" + dbFlagsHelp + "  -encoding string\n    \tutf-8, utf-16, big5 or gb18030 (default: detect)\n  -mode string\n    \ttest or live data (default \"live\")\n  -sheet string\n    \tthe Excel sheet (default: the first)\n  -user string\n    \tthe sender's email or login name\n"},
		{name: "batch bad mode", args: []string{"batch", "upload", "$TMP/batch-bad.csv", "--mode", "prod"}, code: ExitUsage, stderr: "ecship batch upload: --mode: test or live\n"},
		{name: "batch missing file", args: []string{"batch", "upload", "$TMP/missing.csv"}, code: ExitUsage, stderr: "ecship batch upload: open $TMP/missing.csv: no such file or directory\n"},
		{name: "batch unknown user", args: []string{"batch", "upload", "$TMP/batch-bad.csv", "--user", "nobody@example.hk"}, code: ExitUsage, stderr: "ecship batch upload: --user: no user \"nobody@example.hk\"\n"},
		{name: "batch cannot open", args: []string{"batch", "upload", "$TMP/batch-bad.csv", "--user", "known@example.hk"}, env: broken, code: ExitError, stderr: "ecship batch upload: store: mkdir $TMP/file: not a directory\n"},
		{name: "batch empty file", args: []string{"batch", "upload", "$TMP/empty.csv", "--user", "known@example.hk"}, code: ExitError, stderr: "\necship batch upload: invalid: error.invalid_input; file: batch.empty\n"},
		{name: "batch bad rows", args: []string{"batch", "upload", "$TMP/batch-bad.csv", "--user", "known@example.hk"}, code: ExitUsage, stdout: "{\n  \"id\": \"bat_", stdoutPrefix: true, stderr: "\n"},

		{name: "settle bad --at", args: []string{"settle", "--at", "tonight"}, code: ExitUsage, stderr: "ecship settle: --at: \"tonight\" is not a time like 2026-11-23T20:00:00+08:00\n"},
		{name: "settle cannot open", args: []string{"settle"}, env: broken, code: ExitError, stderr: "ecship settle: store: mkdir $TMP/file: not a directory\n"},
		{name: "ledger no verb", args: []string{"ledger"}, code: ExitUsage, stderr: "usage: ecship ledger check\n"},
		{name: "ledger cannot open", args: []string{"ledger", "check"}, env: broken, code: ExitError, stderr: "ecship ledger check: store: mkdir $TMP/file: not a directory\n"},

		{name: "weather no verb", args: []string{"weather"}, code: ExitUsage, stderr: "usage: ecship weather add --date YYYY-MM-DD --signal T8|T9|T10|BLACK [--note TEXT]\n       ecship weather list\n"},
		{name: "weather bad date", args: []string{"weather", "add", "--date", "24/11", "--signal", "T8"}, code: ExitUsage, stderr: "ecship weather add: --date: \"24/11\" is not a date like 2026-09-24\n"},
		{name: "weather bad signal", args: []string{"weather", "add", "--date", "2026-11-24", "--signal", "T3"}, code: ExitUsage, stderr: "ecship weather add: --signal: \"T3\" is not T8, T9, T10 or BLACK\n"},
		{name: "weather cannot open", args: []string{"weather", "list"}, env: broken, code: ExitError, stderr: "ecship weather: store: mkdir $TMP/file: not a directory\n"},

		{name: "quote bad input", args: []string{"quote", "--weight", "0", "--size", "big", "--date", "soon"}, code: ExitUsage, stderr: "ecship quote: --size: Enter the size as length x width x height, such as 200x100x5mm or 20x10x0.5cm.\necship quote: --date: Enter the posting date as 2026-12-01.\necship quote: --to: Choose a destination.\necship quote: --weight: Enter the weight in grams, more than 0.\n"},
		{name: "quote weather unread", args: []string{"quote", "--to", "JP", "--weight", "20", "--json"}, env: map[string]string{"ECSHIP_DB": "sqlite:$TMP/not-a-database"}, stdout: "{\n  \"destination\": {\n    \"code\": \"JP\"", stdoutPrefix: true, stderr: "ecship quote: weather days not read (store: connect: file is not a database (26)): delivery dates count Sundays and holidays only\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := map[string]string{}
			for k, v := range env {
				e[k] = v
			}
			for k, v := range c.env {
				e[k] = strings.ReplaceAll(v, "$TMP", tmp)
			}
			args := make([]string, len(c.args))
			for i, a := range c.args {
				args[i] = strings.ReplaceAll(a, "$TMP", tmp)
			}
			code, out, errOut := run(t, e, args...)
			out, errOut = hide.Replace(out), hide.Replace(errOut)
			if code != c.code {
				t.Errorf("exit %d, want %d", code, c.code)
			}
			if c.stdoutPrefix && !strings.HasPrefix(out, c.stdout) || !c.stdoutPrefix && out != c.stdout {
				t.Errorf("stdout %q\nwant %q", out, c.stdout)
			}
			if errOut != c.stderr {
				t.Errorf("stderr %q\nwant %q", errOut, c.stderr)
			}
		})
	}

	// The ledger check lists its problems on stdout and exits 1, saying nothing more.
	_, out, _ := run(t, env, "deposit", "open", "--user", "known@example.hk", "--name", "P1")
	id := strings.TrimSpace(out)
	if code, _, errOut := run(t, env, "deposit", "topup", "--account", id, "--amount", "10.00", "--reference", "R1"); code != 0 {
		t.Fatalf("topup: %d %s", code, errOut)
	}
	db, err := sql.Open("sqlite", strings.TrimPrefix(dsn, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("UPDATE ledger_entries SET amount_cents = amount_cents + 1 WHERE line = 1"); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, env, "ledger", "check")
	want := "PROBLEM: transaction top_up:" + id + ":R1 does not balance\nPROBLEM: the ledger's accounts sum to 0.01, not zero\n"
	if code != ExitError || !strings.HasSuffix(out, want) || errOut != "" {
		t.Errorf("ledger check with problems: exit %d, stdout %q, stderr %q; want exit 1, stdout ending %q and nothing on stderr", code, out, errOut, want)
	}
}
