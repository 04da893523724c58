package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

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
	integratorCreateUsage  = "--user EMAIL --username U --password P [--allow-ip CIDR,...] [--mode test|live] [--allow-plain-text] [--token-reuse 5m|strict]"
	defaultKeyName         = "created by ecship apikey create"
	defaultIntegratorAllow = "127.0.0.1/32,::1/128"
)

// cliClient is who the audit log says acted: the command line.
var cliClient = account.Client{IP: "cli", UserAgent: "ecship"}

// subcommand runs one verb of a command (ecship user add): anything else is answered with the usage.
func subcommand(name, verb, usageText string, run func(ctx context.Context, env *Env, args []string) error) func(context.Context, *Env, []string) error {
	return func(ctx context.Context, env *Env, args []string) error {
		if len(args) > 0 && args[0] == verb {
			return run(ctx, env, args[1:])
		}
		return usageOrHelp(env, args, fmt.Sprintf("usage: ecship %s %s %s\n\nRun 'ecship %s %s -h' for the flags.", name, verb, usageText, name, verb))
	}
}

// usageOrHelp is the usage text of a command whose verb is missing or unknown: a usage error, or
// when args ask for help, the help, said at once.
func usageOrHelp(env *Env, args []string, text string) error {
	if len(args) > 0 && isHelp(args[0]) {
		fmt.Fprintln(env.Stderr, text)
		return flag.ErrHelp
	}
	return &usageError{msg: text}
}

// openApp opens the database (migrating it) and the account service.
func openApp(ctx context.Context, env *Env, name string, cfg config.Config) (*app.App, error) {
	a, err := app.New(ctx, cfg, newLogger(env.Stderr, cfg))
	if err != nil {
		return nil, failed(name, err)
	}
	return a, nil
}

// loadApp is loadConfig and openApp, for a command that checks nothing before it opens the
// database. Without an error the caller closes the app.
func loadApp(ctx context.Context, env *Env, name, usageText string, args []string, add func(*config.Config, *flag.FlagSet)) (*app.App, error) {
	cfg, err := loadConfig(env, name, usageText, args, add)
	if err != nil {
		return nil, err
	}
	return openApp(ctx, env, name, cfg)
}

// report is err as the command's error: invalid input names the flag of each field at fault (in
// English) and is a usage error; anything else is a failure.
func report(name string, err error, flagOf map[string]string) error {
	e := errs.As(err)
	if e.Code == errs.Invalid && len(e.Fields) > 0 {
		return fieldsError(name, i18n.English, e.Fields, func(field string) string {
			if fl := flagOf[field]; fl != "" {
				return fl
			}
			return field
		})
	}
	if e.Code == errs.Internal {
		return failed(name, err)
	}
	return fmt.Errorf("ecship %s: %s", name, i18n.T(i18n.English, e.Message.Key, e.Message.Args))
}

// fieldsError is the usage error of invalid input: the first problem of each field at fault, a line
// each, naming the field's flag, in language l.
func fieldsError(name string, l i18n.Lang, fields errs.Fields, flagOf func(field string) string) error {
	var lines []string
	for _, f := range fields.First() {
		lines = append(lines, fmt.Sprintf("ecship %s: %s: %s", name, flagOf(f.Field), i18n.T(l, f.Key, f.Args)))
	}
	return &usageError{msg: strings.Join(lines, "\n")}
}

// badFlag is the usage error of a mistake in one flag.
func badFlag(name, flagName, msg string) error {
	return usagef("ecship %s: %s: %s", name, flagName, msg)
}

// appForUser opens the app and finds the user named by --user (email or login name): a missing one
// is a usage error. Without an error the caller closes the app.
func appForUser(ctx context.Context, env *Env, name string, cfg config.Config, who string) (*app.App, *account.User, error) {
	a, err := openApp(ctx, env, name, cfg)
	if err != nil {
		return nil, nil, err
	}
	u, err := a.Store.UserByLogin(ctx, who)
	if err == nil {
		return a, u, nil
	}
	a.Close()
	if errs.CodeOf(err) == errs.NotFound {
		return nil, nil, badFlag(name, "--user", fmt.Sprintf("no user has the email address or login name %q (add one with ecship user add)", who))
	}
	return nil, nil, report(name, err, nil)
}

// modeAndUser checks the --mode and --user of a command that acts for a user, before the database is
// opened, and answers the mode.
func modeAndUser(name, modeText, who string) (account.Mode, error) {
	m, ok := account.ParseMode(modeText)
	if !ok {
		return "", badFlag(name, "--mode", i18n.T(i18n.English, "account.mode.unknown", nil))
	}
	if strings.TrimSpace(who) == "" {
		return "", badFlag(name, "--user", "give the email address of the user")
	}
	return m, nil
}

// userAdd adds a Hongkong Post ID whose email counts as verified, and prints its id.
func userAdd(ctx context.Context, env *Env, args []string) error {
	const name = "user add"
	var email, password, login, role string
	a, err := loadApp(ctx, env, name, userAddUsage, args, func(c *config.Config, fs *flag.FlagSet) {
		c.DBFlags(fs)
		fs.StringVar(&email, "email", "", "the user's email `address` (counts as verified)")
		fs.StringVar(&password, "password", "", "the user's `password`")
		fs.StringVar(&login, "login", "", "login `name` (default: the letters and digits of the email before @)")
		fs.StringVar(&role, "role", string(account.Sender), "`role`: sender, counter or admin")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Accounts.CreateUser(ctx, strings.TrimSpace(login), strings.TrimSpace(email), password, account.Role(strings.ToLower(strings.TrimSpace(role))))
	if err != nil {
		return report(name, err, map[string]string{"login_name": "--login", "email": "--email", "password": "--password", "role": "--role"})
	}
	fmt.Fprintln(env.Stdout, u.ID)
	return nil
}

// apikeyCreate makes a REST key for a user and prints it: it is shown this once.
func apikeyCreate(ctx context.Context, env *Env, args []string) error {
	const name = "apikey create"
	var who, modeText, keyName string
	cfg, err := loadConfig(env, name, apikeyCreateUsage, args, func(c *config.Config, fs *flag.FlagSet) {
		c.DBFlags(fs)
		fs.StringVar(&who, "user", "", "the key owner's email `address`")
		fs.StringVar(&modeText, "mode", string(account.Test), "`mode`: test (sees test data only) or live")
		fs.StringVar(&keyName, "name", defaultKeyName, "a `name` to tell the key apart")
	})
	if err != nil {
		return err
	}
	a, u, mode, err := appForUserIn(ctx, env, name, cfg, modeText, who)
	if err != nil {
		return err
	}
	defer a.Close()
	_, secret, err := a.Accounts.CreateAPIKey(ctx, u, keyName, mode, cliClient)
	if err != nil {
		return report(name, err, map[string]string{"name": "--name", "mode": "--mode"})
	}
	fmt.Fprintln(env.Stdout, secret)
	return nil
}

// appForUserIn checks --mode and --user, then opens the app and finds the user.
func appForUserIn(ctx context.Context, env *Env, name string, cfg config.Config, modeText, who string) (*app.App, *account.User, account.Mode, error) {
	mode, err := modeAndUser(name, modeText, who)
	if err != nil {
		return nil, nil, mode, err
	}
	a, u, err := appForUser(ctx, env, name, cfg, who)
	return a, u, mode, err
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
func integratorCreate(ctx context.Context, env *Env, args []string) error {
	const name = "integrator create"
	var who, username, password, modeText string
	var allow optionalString
	var plain bool
	reuseText := account.DefaultTokenReuse.String()
	cfg, err := loadConfig(env, name, integratorCreateUsage, args, func(c *config.Config, fs *flag.FlagSet) {
		c.DBFlags(fs)
		fs.StringVar(&who, "user", "", "the owner's email `address`")
		fs.StringVar(&username, "username", "", fmt.Sprintf("SOAP `username`: at most %d letters, digits, dots, dashes or underscores", account.IntegratorNameMax))
		fs.StringVar(&password, "password", "", fmt.Sprintf("SOAP `password`: %d to %d letters, digits, dots, dashes or underscores", account.IntegratorPasswordMin, account.IntegratorPasswordMax))
		fs.Var(&allow, "allow-ip", "addresses or CIDR ranges the caller may use, comma-separated (default "+defaultIntegratorAllow+", this machine only)")
		fs.StringVar(&modeText, "mode", string(account.Test), "`mode`: test (sees test data only) or live")
		fs.BoolVar(&plain, "allow-plain-text", false, "accept the password in clear (WS-Security PasswordText), over https only; default: digests only")
		fs.StringVar(&reuseText, "token-reuse", reuseText, "how long the EC-Ship API takes one WS-Security token again after its first use (a `duration`, or strict: never)")
	})
	if err != nil {
		return err
	}
	mode, err := modeAndUser(name, modeText, who)
	if err != nil {
		return err
	}
	if !allow.set {
		allow.value = defaultIntegratorAllow
		fmt.Fprintf(env.Stderr, "ecship %s: no --allow-ip: the credentials work from this machine only (%s)\n", name, defaultIntegratorAllow)
	}
	ips, ok := account.ParseAllowIPs(allow.value)
	if !ok {
		return badFlag(name, "--allow-ip", i18n.T(i18n.English, "account.integrator.allow_ips_syntax", nil))
	}
	reuse, err := time.ParseDuration(reuseText)
	if reuseText == "strict" {
		reuse, err = 0, nil
	}
	if err != nil {
		return badFlag(name, "--token-reuse", "give a duration such as 5m, or strict")
	}
	flagOf := map[string]string{"username": "--username", "password": "--password", "allow_ips": "--allow-ip", "mode": "--mode", "token_reuse": "--token-reuse"}
	// An empty password would get a random one: the command line asks for it, and checks it all
	// before touching the database.
	in := account.Integrator{Username: strings.TrimSpace(username), Password: password, AllowIPs: ips, Mode: mode, AllowPlainText: plain, TokenReuse: reuse}
	if err := in.Validate(); err != nil {
		return report(name, err, flagOf)
	}
	a, u, err := appForUser(ctx, env, name, cfg, who)
	if err != nil {
		return err
	}
	defer a.Close()
	in, err = a.Accounts.CreateIntegrator(ctx, u, in, cliClient)
	if err != nil {
		return report(name, err, flagOf)
	}
	fmt.Fprintf(env.Stdout, "%s\t%s\n", in.ID, in.Username)
	return nil
}
