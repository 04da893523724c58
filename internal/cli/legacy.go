package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/config"
)

const legacyImportUsage = "FILE"

// progressEvery is how many rows pass between progress lines on stderr.
const progressEvery = 1000

// legacyImport imports legacy member accounts from a CSV file: all of them, or none when any row is
// wrong.
func legacyImport(ctx context.Context, env *Env, args []string) int {
	const name = "legacy import"
	cfg, path, pr, code := csvFileArg(env, name, legacyImportUsage, account.LegacyColumns, args)
	if pr == nil {
		return code
	}
	defer pr.Close()
	accounts, bad, err := account.ParseLegacyCSV(pr)
	if err != nil {
		fmt.Fprintf(env.Stderr, "ecship %s: %s: %v\n", name, path, err)
		return ExitUsage
	}
	if len(bad) > 0 {
		for _, e := range bad {
			fmt.Fprintln(env.Stderr, e.Error())
		}
		fmt.Fprintf(env.Stderr, "ecship %s: %s: %d problems: nothing imported\n", name, path, len(bad))
		return ExitUsage
	}
	fmt.Fprintf(env.Stderr, "ecship %s: %d rows read, all valid: importing\n", name, len(accounts))
	a, ok := openApp(ctx, env, name, cfg)
	if !ok {
		return ExitError
	}
	defer a.Close()
	added, updated, err := a.Store.ImportLegacy(ctx, accounts)
	if err != nil {
		fmt.Fprintf(env.Stderr, "ecship %s: %v: nothing imported\n", name, err)
		return ExitError
	}
	fmt.Fprintf(env.Stdout, "imported: %d added, %d updated\n", added, updated)
	return ExitOK
}

// positional takes the arguments that are neither flags nor flag values out of args, so that a FILE
// may come before or after the flags. valued names the flags that take a value.
func positional(args []string, valued ...string) (flags, pos []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return flags, append(pos, args[i+1:]...)
		case a == "-" || !strings.HasPrefix(a, "-"):
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		if n := strings.TrimLeft(a, "-"); !strings.Contains(n, "=") && slices.Contains(valued, n) && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	return flags, pos
}

// progressReader counts the lines read and reports every progressEvery rows after the header
// (a quoted field spanning lines counts more than once: it is a progress report, not a count).
type progressReader struct {
	r      io.Reader
	closer io.Closer
	lines  int
	report func(rows int)
}

// Close closes the file read.
func (p *progressReader) Close() error {
	if p.closer == nil {
		return nil
	}
	return p.closer.Close()
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	for _, c := range b[:n] {
		if c == '\n' {
			p.lines++
			if rows := p.lines - 1; rows > 0 && rows%progressEvery == 0 {
				p.report(rows)
			}
		}
	}
	return n, err
}

// csvFileArg reads the flags and the one CSV file argument of an import command and opens the file,
// read with progress lines on stderr every progressEvery rows. With a problem it says what and
// answers a nil reader and the exit code.
func csvFileArg(env *Env, name, usage string, columns []string, args []string) (config.Config, string, *progressReader, int) {
	flagArgs, files := positional(args, "db", "data")
	cfg, ok, code := loadConfig(env, name, usage+" [--db DSN] [--data DIR]", flagArgs,
		func(c *config.Config, fs *flag.FlagSet) { c.DBFlags(fs) })
	if !ok {
		return cfg, "", nil, code
	}
	if len(files) != 1 {
		fmt.Fprintf(env.Stderr, "usage: ecship %s %s\n\nThe CSV file has a header row naming the columns %s.\n", name, usage, strings.Join(columns, ","))
		return cfg, "", nil, ExitUsage
	}
	path := files[0]
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintf(env.Stderr, "ecship %s: %v\n", name, err)
		return cfg, "", nil, ExitUsage
	}
	return cfg, path, &progressReader{r: f, closer: f, report: func(rows int) { fmt.Fprintf(env.Stderr, "ecship %s: %d rows read\n", name, rows) }}, ExitOK
}
