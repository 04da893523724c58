package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/app"
	"github.com/ecship/ecship/internal/config"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
)

// Usage lines of the account commands (ecship COMMAND VERB ...).
const (
	userAddUsage           = "--email E --password P [--login NAME] [--role sender|counter|admin]"
	apikeyCreateUsage      = "--user EMAIL [--mode test|live] [--name NAME]"
	integratorCreateUsage  = "--user EMAIL --username U --password P [--allow-ip CIDR,...] [--mode test|live] [--allow-plain-text]"
	defaultKeyName         = "created by ecship apikey create"
	defaultIntegratorAllow = "127.0.0.1/32,::1/128"
)

// cliClient is who the audit log says acted: the command line.
var cliClient = account.Client{IP: "cli", UserAgent: "ecship"}

// subcommand runs one verb of a command (ecship user add): anything else prints the usage.
func subcommand(name, verb, usageText string, run func(ctx context.Context, env *Env, args []string) int) func(context.Context, *Env, []string) int {
	return func(ctx context.Context, env *Env, args []string) int {
		if len(args) > 0 && args[0] == verb {
			return run(ctx, env, args[1:])
		}
		fmt.Fprintf(env.Stderr, "usage: ecship %s %s %s\n\nRun 'ecship %s %s -h' for the flags.\n", name, verb, usageText, name, verb)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return ExitOK
		}
		return ExitUsage
	}
}

// openApp opens the database (migrating it) and the account service; false when it failed, said on stderr.
func openApp(ctx context.Context, env *Env, name string, cfg config.Config) (*app.App, bool) {
	a, err := app.New(ctx, cfg, newLogger(env.Stderr, cfg))
	if err != nil {
		fmt.Fprintf(env.Stderr, "ecship %s: %v\n", name, err)
		return nil, false
	}
	return a, true
}

// report says what went wrong on stderr and returns the exit code: invalid input names the flag of
// each field at fault (in English) and exits 2; anything else exits 1.
func report(env *Env, name string, err error, flagOf map[string]string) int {
	e := errs.As(err)
	if e.Code == errs.Invalid && len(e.Fields) > 0 {
		for _, f := range errs.Fields(e.Fields).First() {
			fl := flagOf[f.Field]
			if fl == "" {
				fl = f.Field
			}
			fmt.Fprintf(env.Stderr, "ecship %s: %s: %s\n", name, fl, i18n.T(i18n.English, f.Key, f.Args))
		}
		return ExitUsage
	}
	if e.Code == errs.Internal {
		fmt.Fprintf(env.Stderr, "ecship %s: %v\n", name, err)
	} else {
		fmt.Fprintf(env.Stderr, "ecship %s: %s\n", name, i18n.T(i18n.English, e.Message.Key, e.Message.Args))
	}
	return ExitError
}

// usageError prints a mistake in one flag and returns exit code 2.
func usageError(env *Env, name, flagName, msg string) int {
	fmt.Fprintf(env.Stderr, "ecship %s: %s: %s\n", name, flagName, msg)
	return ExitUsage
}

// needUser checks that --user was given, before the database is opened.
func needUser(env *Env, name, who string) int {
	if strings.TrimSpace(who) == "" {
		return usageError(env, name, "--user", "give the email address of the user")
	}
	return ExitOK
}

// findUser finds the user named by --user (an email, or a login name); a missing one is a usage error.
// appForUser opens the app and finds the user named by --user (email or login name). With a
// problem it says what and answers a nil app and the exit code; otherwise the caller closes the app.
func appForUser(ctx context.Context, env *Env, name string, cfg config.Config, who string) (*app.App, *account.User, int) {
	a, ok := openApp(ctx, env, name, cfg)
	if !ok {
		return nil, nil, ExitError
	}
	u, err := a.Store.UserByLogin(ctx, who)
	if err == nil {
		return a, u, ExitOK
	}
	a.Close()
	if errs.CodeOf(err) == errs.NotFound {
		return nil, nil, usageError(env, name, "--user", fmt.Sprintf("no user has the email address or login name %q (add one with ecship user add)", who))
	}
	return nil, nil, report(env, name, err, nil)
}

func parseMode(env *Env, name, s string) (account.Mode, int) {
	m, ok := account.ParseMode(s)
	if !ok {
		return "", usageError(env, name, "--mode", i18n.T(i18n.English, "account.mode.unknown", nil))
	}
	return m, ExitOK
}

// userAdd adds a Hongkong Post ID whose email counts as verified, and prints its id.
func userAdd(ctx context.Context, env *Env, args []string) int {
	const name = "user add"
	var email, password, login, role string
	cfg, ok, code := loadConfig(env, name, userAddUsage, args, func(c *config.Config, fs *flag.FlagSet) {
		c.DBFlags(fs)
		fs.StringVar(&email, "email", "", "the user's email `address` (counts as verified)")
		fs.StringVar(&password, "password", "", "the user's `password`")
		fs.StringVar(&login, "login", "", "login `name` (default: the letters and digits of the email before @)")
		fs.StringVar(&role, "role", string(account.Sender), "`role`: sender, counter or admin")
	})
	if !ok {
		return code
	}
	a, ok := openApp(ctx, env, name, cfg)
	if !ok {
		return ExitError
	}
	defer a.Close()
	u, err := a.Accounts.CreateUser(ctx, strings.TrimSpace(login), strings.TrimSpace(email), password, account.Role(strings.ToLower(strings.TrimSpace(role))))
	if err != nil {
		return report(env, name, err, map[string]string{"login_name": "--login", "email": "--email", "password": "--password", "role": "--role"})
	}
	fmt.Fprintln(env.Stdout, u.ID)
	return ExitOK
}

// apikeyCreate makes a REST key for a user and prints it: it is shown this once.
func apikeyCreate(ctx context.Context, env *Env, args []string) int {
	const name = "apikey create"
	var who, modeText, keyName string
	cfg, ok, code := loadConfig(env, name, apikeyCreateUsage, args, func(c *config.Config, fs *flag.FlagSet) {
		c.DBFlags(fs)
		fs.StringVar(&who, "user", "", "the key owner's email `address`")
		fs.StringVar(&modeText, "mode", string(account.Test), "`mode`: test (sees test data only) or live")
		fs.StringVar(&keyName, "name", defaultKeyName, "a `name` to tell the key apart")
	})
	if !ok {
		return code
	}
	mode, code := parseMode(env, name, modeText)
	if code != ExitOK {
		return code
	}
	if code := needUser(env, name, who); code != ExitOK {
		return code
	}
	a, u, code := appForUser(ctx, env, name, cfg, who)
	if a == nil {
		return code
	}
	defer a.Close()
	_, secret, err := a.Accounts.CreateAPIKey(ctx, u, keyName, mode, cliClient)
	if err != nil {
		return report(env, name, err, map[string]string{"name": "--name", "mode": "--mode"})
	}
	fmt.Fprintln(env.Stdout, secret)
	return ExitOK
}

// optionalString is a string flag that knows whether it was given.
type optionalString struct {
	value string
	set   bool
}

func (o *optionalString) String() string { return o.value }

func (o *optionalString) Set(s string) error {
	o.value, o.set = s, true
	return nil
}

// integratorCreate makes SOAP credentials for a user and prints their id and username.
func integratorCreate(ctx context.Context, env *Env, args []string) int {
	const name = "integrator create"
	var who, username, password, modeText string
	var allow optionalString
	var plain bool
	cfg, ok, code := loadConfig(env, name, integratorCreateUsage, args, func(c *config.Config, fs *flag.FlagSet) {
		c.DBFlags(fs)
		fs.StringVar(&who, "user", "", "the owner's email `address`")
		fs.StringVar(&username, "username", "", fmt.Sprintf("SOAP `username`: at most %d letters, digits, dots, dashes or underscores", account.IntegratorNameMax))
		fs.StringVar(&password, "password", "", fmt.Sprintf("SOAP `password`: %d to %d letters, digits, dots, dashes or underscores", account.IntegratorPasswordMin, account.IntegratorPasswordMax))
		fs.Var(&allow, "allow-ip", "addresses or CIDR ranges the caller may use, comma-separated (default "+defaultIntegratorAllow+", this machine only)")
		fs.StringVar(&modeText, "mode", string(account.Test), "`mode`: test (sees test data only) or live")
		fs.BoolVar(&plain, "allow-plain-text", false, "accept the password in clear (WS-Security PasswordText), over https only; default: digests only")
	})
	if !ok {
		return code
	}
	mode, code := parseMode(env, name, modeText)
	if code != ExitOK {
		return code
	}
	if code := needUser(env, name, who); code != ExitOK {
		return code
	}
	if !allow.set {
		allow.value = defaultIntegratorAllow
		fmt.Fprintf(env.Stderr, "ecship %s: no --allow-ip: the credentials work from this machine only (%s)\n", name, defaultIntegratorAllow)
	}
	ips, ok := account.ParseAllowIPs(allow.value)
	if !ok {
		return usageError(env, name, "--allow-ip", i18n.T(i18n.English, "account.integrator.allow_ips_syntax", nil))
	}
	flagOf := map[string]string{"username": "--username", "password": "--password", "allow_ips": "--allow-ip", "mode": "--mode"}
	// An empty password would get a random one: the command line asks for it, and checks it all
	// before touching the database.
	in := account.Integrator{Username: strings.TrimSpace(username), Password: password, AllowIPs: ips, Mode: mode, AllowPlainText: plain}
	if err := in.Validate(); err != nil {
		return report(env, name, err, flagOf)
	}
	a, u, code := appForUser(ctx, env, name, cfg, who)
	if a == nil {
		return code
	}
	defer a.Close()
	in, err := a.Accounts.CreateIntegrator(ctx, u, in, cliClient)
	if err != nil {
		return report(env, name, err, flagOf)
	}
	fmt.Fprintf(env.Stdout, "%s\t%s\n", in.ID, in.Username)
	return ExitOK
}
