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
func legacyImport(ctx context.Context, env *Env, args []string) error {
	const name = "legacy import"
	cfg, path, pr, err := csvFileArg(env, name, legacyImportUsage, account.LegacyColumns, args)
	if err != nil {
		return err
	}
	defer pr.Close()
	accounts, bad, err := account.ParseLegacyCSV(pr)
	if err != nil {
		return usagef("ecship %s: %s: %w", name, path, err)
	}
	if len(bad) > 0 {
		return badRows(bad, fmt.Sprintf("ecship %s: %s: %d problems: nothing imported", name, path, len(bad)))
	}
	fmt.Fprintf(env.Stderr, "ecship %s: %d rows read, all valid: importing\n", name, len(accounts))
	a, err := openApp(ctx, env, name, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	added, updated, err := a.Store.ImportLegacy(ctx, accounts)
	if err != nil {
		return fmt.Errorf("ecship %s: %w: nothing imported", name, err)
	}
	fmt.Fprintf(env.Stdout, "imported: %d added, %d updated\n", added, updated)
	return nil
}

// badRows is the usage error of a file with wrong rows: a line for each, then what it means.
func badRows[E error](bad []E, conclusion string) error {
	lines := make([]string, 0, len(bad)+1)
	for _, e := range bad {
		lines = append(lines, e.Error())
	}
	return &usageError{msg: strings.Join(append(lines, conclusion), "\n")}
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
// read with progress lines on stderr every progressEvery rows. Without an error the caller closes
// the reader.
func csvFileArg(env *Env, name, usage string, columns []string, args []string) (config.Config, string, *progressReader, error) {
	flagArgs, files := positional(args, "db", "data")
	cfg, err := loadConfig(env, name, usage+" [--db DSN] [--data DIR]", flagArgs,
		func(c *config.Config, fs *flag.FlagSet) { c.DBFlags(fs) })
	if err != nil {
		return cfg, "", nil, err
	}
	if len(files) != 1 {
		return cfg, "", nil, usagef("usage: ecship %s %s\n\nThe CSV file has a header row naming the columns %s.", name, usage, strings.Join(columns, ","))
	}
	path := files[0]
	f, err := os.Open(path)
	if err != nil {
		return cfg, "", nil, usagef("ecship %s: %w", name, err)
	}
	return cfg, path, &progressReader{r: f, closer: f, report: func(rows int) { fmt.Fprintf(env.Stderr, "ecship %s: %d rows read\n", name, rows) }}, nil
}
