package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

const eventsFile = "../../testdata/tracking-events.csv"

func TestEventsImport(t *testing.T) {
	eachDB(t, func(t *testing.T, env map[string]string) {
		code, out, errOut := run(t, env, "events", "import", eventsFile)
		if code != 0 || out != "9 events read, 9 new, 0 already there\n" {
			t.Fatalf("events import: exit %d, stdout %q, stderr %s", code, out, errOut)
		}
		// Again: nothing new, nothing doubled.
		code, out, _ = run(t, env, "events", "import", eventsFile)
		if code != 0 || out != "9 events read, 0 new, 9 already there\n" {
			t.Fatalf("second import: exit %d, stdout %q", code, out)
		}
		// A file with mistakes: every one named by row and column, nothing stored.
		bad := filepath.Join(t.TempDir(), "bad.csv")
		writeFile(t, bad, "item_no,code,time,country\nLA000000014HK,EMA,2026-11-13 10:00,HK\nEE123456784HK,EMI,2026-11-15 14:02,JP\nLA000000014HK,XYZ,25/11/2026,ZZ\n")
		code, out, errOut = run(t, env, "events", "import", bad)
		for _, want := range []string{"row 3, item_no:", "row 4, code:", "row 4, time:", "row 4, country:", "nothing imported"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("bad file: stderr lacks %q:\n%s", want, errOut)
			}
		}
		if code != ExitUsage || out != "" {
			t.Errorf("bad file: exit %d, stdout %q", code, out)
		}
		writeFile(t, bad, "item_no,code,time,country\nLA000000014HK,EMA,2026-11-13 10:00,HK\n")
		if code, out, _ = run(t, env, "events", "import", bad); code != 0 || out != "1 events read, 1 new, 0 already there\n" {
			t.Errorf("the first row alone: exit %d, %q (a rejected file left something behind?)", code, out)
		}
		// A misspelt column is refused, not dropped; a local time in a country of several time
		// zones needs its zone.
		writeFile(t, bad, "item_no,code,time,country,timezone\nLA000000014HK,EMD,2026-11-13 10:00,US,America/Los_Angeles\n")
		if code, _, errOut = run(t, env, "events", "import", bad); code != ExitUsage || !strings.Contains(errOut, `"timezone"`) {
			t.Errorf("misspelt column: exit %d, %q", code, errOut)
		}
		writeFile(t, bad, "item_no,code,time,country\nLA000000014HK,EMD,2026-11-13 10:00,US\n")
		if code, _, errOut = run(t, env, "events", "import", bad); code != ExitUsage || !strings.Contains(errOut, "row 2, time_zone:") {
			t.Errorf("US local time without a zone: exit %d, %q", code, errOut)
		}
		code, _, errOut = run(t, env, "events", "import", filepath.Join(t.TempDir(), "none.csv"))
		if code != ExitUsage || !strings.Contains(errOut, "none.csv") {
			t.Errorf("missing file: exit %d, %q", code, errOut)
		}
	})
}
