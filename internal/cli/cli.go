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

// Env is what a command runs with: its streams and environment.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         config.Getenv
}

type command struct {
	name, summary string
	run           func(ctx context.Context, env *Env, args []string) int
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
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.Stderr)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, env, args[1:])
		}
	}
	fmt.Fprintf(env.Stderr, "ecship: unknown command %q\n\n", args[0])
	usage(env.Stderr)
	return ExitUsage
}

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

// parse parses flags; the int is the exit code to return when parsing ended the command.
func parse(fs *flag.FlagSet, args []string) (bool, int) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return false, ExitOK
		}
		return false, ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return false, ExitUsage
	}
	return true, 0
}

// loadConfig reads the environment, lets the flags added by add override it, and checks the result.
func loadConfig(env *Env, name, usageText string, args []string, add func(*config.Config, *flag.FlagSet)) (config.Config, bool, int) {
	cfg, err := config.FromEnv(env.Getenv)
	if err != nil {
		fmt.Fprintf(env.Stderr, "ecship %s: %v\n", name, err)
		return cfg, false, ExitUsage
	}
	fs := flags(env, name, usageText)
	add(&cfg, fs)
	if ok, code := parse(fs, args); !ok {
		return cfg, false, code
	}
	if err := cfg.Finish(); err != nil {
		fmt.Fprintf(env.Stderr, "ecship %s: %v\n", name, err)
		return cfg, false, ExitUsage
	}
	return cfg, true, 0
}

func newLogger(w io.Writer, cfg config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func version(_ context.Context, env *Env, _ []string) int {
	fmt.Fprintln(env.Stdout, "ecship", Version)
	return ExitOK
}

func hongKong() *time.Location { return catalog.HongKong }
