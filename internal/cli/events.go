package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/ecship/ecship/internal/config"
	"github.com/ecship/ecship/internal/tracking"
)

const eventsImportUsage = "FILE"

// importChunk is how many events one transaction stores.
const importChunk = 5000

// eventsImport records tracking events from a CSV file: every row is checked first, and nothing is
// stored when any is wrong. Events already there are skipped, so a file can be imported again.
func eventsImport(ctx context.Context, env *Env, args []string) int {
	const name = "events import"
	flagArgs, files := positional(args, "db", "data")
	cfg, ok, code := loadConfig(env, name, eventsImportUsage+" [--db DSN] [--data DIR]", flagArgs,
		func(c *config.Config, fs *flag.FlagSet) { c.DBFlags(fs) })
	if !ok {
		return code
	}
	if len(files) != 1 {
		fmt.Fprintf(env.Stderr, "usage: ecship %s %s\n\nThe CSV file has a header row naming the columns %s.\n", name, eventsImportUsage, strings.Join(tracking.Columns, ","))
		return ExitUsage
	}
	f, err := os.Open(files[0])
	if err != nil {
		fmt.Fprintf(env.Stderr, "ecship %s: %v\n", name, err)
		return ExitUsage
	}
	defer f.Close()
	a, ok := openApp(ctx, env, name, cfg)
	if !ok {
		return ExitError
	}
	defer a.Close()
	pr := &progressReader{r: f, report: func(rows int) { fmt.Fprintf(env.Stderr, "ecship %s: %d rows read\n", name, rows) }}
	events, bad, err := a.Tracking.ReadCSV(pr, tracking.FromImport, 100)
	if err != nil {
		fmt.Fprintf(env.Stderr, "ecship %s: %s: %v\n", name, files[0], err)
		return ExitUsage
	}
	if len(bad) > 0 {
		for _, e := range bad {
			fmt.Fprintln(env.Stderr, e.Error())
		}
		fmt.Fprintf(env.Stderr, "ecship %s: %s: problems in the rows above: nothing imported\n", name, files[0])
		return ExitUsage
	}
	added := 0
	for start := 0; start < len(events); start += importChunk {
		n, err := a.Tracking.Record(ctx, events[start:min(start+importChunk, len(events))])
		if err != nil {
			fmt.Fprintf(env.Stderr, "ecship %s: %v (%d events stored before; importing the file again skips them)\n", name, err, added)
			return ExitError
		}
		added += n
		fmt.Fprintf(env.Stderr, "ecship %s: %d of %d events stored\n", name, min(start+importChunk, len(events)), len(events))
	}
	fmt.Fprintf(env.Stdout, "%d events read, %d new, %d already there\n", len(events), added, len(events)-added)
	return ExitOK
}
