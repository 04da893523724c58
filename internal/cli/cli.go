// Package cli is the ecship command: serve, migrate, quote and the operations commands.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/config"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1 // something failed while running
	ExitUsage = 2 // the command line or its input is wrong
)

// usageError is a mistake in the command line or its input. Main says msg, which may run over
// several lines; an empty msg was said already (the flag package says its own errors).
type usageError struct {
	msg string
	err error // the cause, if any
}

func (e *usageError) Error() string {
	if e.msg == "" && e.err != nil {
		return e.err.Error()
	}
	return e.msg
}

func (e *usageError) Unwrap() error { return e.err }

// usagef makes a usage error of a message as fmt.Errorf would (%w keeps the cause).
func usagef(format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &usageError{msg: err.Error(), err: errors.Unwrap(err)}
}

// errProblems ends a command that listed the problems it found on stdout.
var errProblems = errors.New("problems found")

// failed is err as the failure of the command name: "ecship NAME: ERR", exit 1.
func failed(name string, err error) error {
	return fmt.Errorf("ecship %s: %w", name, err)
}

// exitCode says a command's error on w, unless it was said already, and answers the exit code for it:
//
//   - nil: 0;
//   - flag.ErrHelp: the help was asked for, and said: 0;
//   - *usageError: the command line or its input is wrong: 2;
//   - errProblems: the command listed the problems it found on stdout: 1, nothing more said;
//   - any other error: 1. Its text is the whole message, "ecship COMMAND: ..." (failed).
func exitCode(w io.Writer, err error) int {
	var usageErr *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.As(err, &usageErr):
		if usageErr.msg != "" {
			fmt.Fprintln(w, usageErr.msg)
		}
		return ExitUsage
	case errors.Is(err, errProblems):
		return ExitError
	}
	fmt.Fprintln(w, err)
	return ExitError
}

// Env is what a command runs with: its streams and environment.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         config.Getenv
}

type command struct {
	name, summary string
	run           func(ctx context.Context, env *Env, args []string) error
}

var commands []command

func init() {
	commands = []command{
		{"serve", "run the web portal and APIs", serve},
		{"migrate", "bring the database schema up to date", migrate},
		{"quote", "compare postage for an item", quote},
		{"batch", "prepare labels from a CSV or Excel file (batch upload FILE --user EMAIL)", batchCmd},
		{"settle", "run the card settlement now (it runs daily at 20:00 Hong Kong time)", settle},
		{"deposit", "deposit open|topup|statement: permit mailing deposit accounts (operations)", depositCmd},
		{"ledger", "check that the books balance and match the gateway (ledger check)", ledgerCmd},
		{"weather", "record days of Black Rainstorm or Typhoon Signal No. 8+ (not working days)", weather},
		{"user", "user add: add a Hongkong Post ID (email counted as verified)", subcommand("user", "add", userAddUsage, userAdd)},
		{"apikey", "apikey create: make a REST API key for a user", subcommand("apikey", "create", apikeyCreateUsage, apikeyCreate)},
		{"integrator", "integrator create: make SOAP credentials for a user", subcommand("integrator", "create", integratorCreateUsage, integratorCreate)},
		{"legacy", "legacy import FILE: import legacy member accounts from CSV", subcommand("legacy", "import", legacyImportUsage, legacyImport)},
		{"events", "events import FILE: record tracking events from CSV", subcommand("events", "import", eventsImportUsage, eventsImport)},
		{"version", "print the version", version},
	}
}

// Version is set at build time with -ldflags "-X github.com/ecship/ecship/internal/cli.Version=...".
var Version = "dev"

// Main runs the command line and returns the process exit code.
func Main(ctx context.Context, args []string, env *Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if len(args) == 0 || isHelp(args[0]) {
		usage(env.Stderr)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return exitCode(env.Stderr, c.run(ctx, env, args[1:]))
		}
	}
	fmt.Fprintf(env.Stderr, "ecship: unknown command %q\n\n", args[0])
	usage(env.Stderr)
	return ExitUsage
}

// isHelp says whether arg, in the place of a command or verb, asks for help.
func isHelp(arg string) bool { return arg == "-h" || arg == "--help" || arg == "help" }

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: ecship COMMAND [flags]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'ecship COMMAND -h' for a command's flags.")
}

// flags makes a flag set that reports to stderr and never exits the process.
func flags(env *Env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("ecship "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "usage: ecship %s %s\n\nflags:\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags and checks that nothing else was given. The flag package says its own errors
// and help.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{err: err}
	}
	if fs.NArg() > 0 {
		return usagef("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

// loadConfig reads the environment, lets the flags added by add override it, and checks the result.
func loadConfig(env *Env, name, usageText string, args []string, add func(*config.Config, *flag.FlagSet)) (config.Config, error) {
	cfg, err := config.FromEnv(env.Getenv)
	if err != nil {
		return cfg, usagef("ecship %s: %w", name, err)
	}
	fs := flags(env, name, usageText)
	add(&cfg, fs)
	if err := parse(fs, args); err != nil {
		return cfg, err
	}
	if err := cfg.Finish(); err != nil {
		return cfg, usagef("ecship %s: %w", name, err)
	}
	return cfg, nil
}

func newLogger(w io.Writer, cfg config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func version(_ context.Context, env *Env, _ []string) error {
	fmt.Fprintln(env.Stdout, "ecship", Version)
	return nil
}

func hongKong() *time.Location { return catalog.HongKong }
