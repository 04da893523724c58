package cli

import (
	"context"
	"fmt"

	"github.com/ecship/ecship/internal/tracking"
)

const eventsImportUsage = "FILE"

// importChunk is how many events one transaction stores.
const importChunk = 5000

// eventsImport records tracking events from a CSV file: every row is checked first, and nothing is
// stored when any is wrong. Events already there are skipped, so a file can be imported again.
func eventsImport(ctx context.Context, env *Env, args []string) int {
	const name = "events import"
	cfg, path, pr, code := csvFileArg(env, name, eventsImportUsage, tracking.Columns, args)
	if pr == nil {
		return code
	}
	defer pr.Close()
	a, ok := openApp(ctx, env, name, cfg)
	if !ok {
		return ExitError
	}
	defer a.Close()
	events, bad, err := a.Tracking.ReadCSV(pr, tracking.FromImport, 100)
	if err != nil {
		fmt.Fprintf(env.Stderr, "ecship %s: %s: %v\n", name, path, err)
		return ExitUsage
	}
	if len(bad) > 0 {
		for _, e := range bad {
			fmt.Fprintln(env.Stderr, e.Error())
		}
		fmt.Fprintf(env.Stderr, "ecship %s: %s: problems in the rows above: nothing imported\n", name, path)
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
