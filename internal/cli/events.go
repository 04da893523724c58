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
func eventsImport(ctx context.Context, env *Env, args []string) error {
	const name = "events import"
	cfg, path, pr, err := csvFileArg(env, name, eventsImportUsage, tracking.Columns, args)
	if err != nil {
		return err
	}
	defer pr.Close()
	a, err := openApp(ctx, env, name, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	events, bad, err := a.Tracking.ReadCSV(pr, tracking.FromImport, 100)
	if err != nil {
		return usagef("ecship %s: %s: %w", name, path, err)
	}
	if len(bad) > 0 {
		return badRows(bad, fmt.Sprintf("ecship %s: %s: problems in the rows above: nothing imported", name, path))
	}
	added := 0
	for start := 0; start < len(events); start += importChunk {
		n, err := a.Tracking.Record(ctx, events[start:min(start+importChunk, len(events))])
		if err != nil {
			return fmt.Errorf("ecship %s: %w (%d events stored before; importing the file again skips them)", name, err, added)
		}
		added += n
		fmt.Fprintf(env.Stderr, "ecship %s: %d of %d events stored\n", name, min(start+importChunk, len(events)), len(events))
	}
	fmt.Fprintf(env.Stdout, "%d events read, %d new, %d already there\n", len(events), added, len(events)-added)
	return nil
}
