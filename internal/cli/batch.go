package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/api"
	"github.com/ecship/ecship/internal/app"
	"github.com/ecship/ecship/internal/batch"
	"github.com/ecship/ecship/internal/config"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/shipment"
)

// batchCmd is `ecship batch upload FILE --user EMAIL`: prepare labels from a spreadsheet, with a
// progress bar on stderr and the result as JSON (the API's shape) on stdout.
func batchCmd(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] != "upload" {
		fmt.Fprintln(env.Stderr, "usage: ecship batch upload FILE --user EMAIL [--mode test|live] [--encoding E] [--sheet NAME]")
		return ExitUsage
	}
	args = args[1:]
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	var user, modeText, encoding, sheet string
	cfg, ok, code := loadConfig(env, "batch upload", "FILE --user EMAIL [--mode test|live] [--encoding E] [--sheet NAME]", args, func(c *config.Config, fs *flag.FlagSet) {
		c.DBFlags(fs)
		fs.StringVar(&user, "user", "", "the sender's email or login name")
		fs.StringVar(&modeText, "mode", "live", "test or live data")
		fs.StringVar(&encoding, "encoding", "", "utf-8, utf-16, big5 or gb18030 (default: detect)")
		fs.StringVar(&sheet, "sheet", "", "the Excel sheet (default: the first)")
	})
	if !ok {
		return code
	}
	if file == "" {
		fmt.Fprintln(env.Stderr, "ecship batch upload: name the FILE")
		return ExitUsage
	}
	mode, okMode := account.ParseMode(modeText)
	if !okMode {
		fmt.Fprintln(env.Stderr, "ecship batch upload: --mode: test or live")
		return ExitUsage
	}
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(env.Stderr, "ecship batch upload: %v\n", err)
		return ExitUsage
	}
	a, err := app.New(ctx, cfg, newLogger(env.Stderr, cfg))
	if err != nil {
		fmt.Fprintf(env.Stderr, "ecship batch upload: %v\n", err)
		return ExitError
	}
	defer a.Close()
	u, err := a.Store.UserByLogin(ctx, user)
	if err != nil {
		fmt.Fprintf(env.Stderr, "ecship batch upload: --user: no user %q\n", user)
		return ExitUsage
	}
	a.Batches.Progress = func(_ string, done, total int) { progressBar(env, done, total) }
	o := shipment.Owner{User: u, Mode: mode}
	b, existing, err := a.Batches.Upload(ctx, o, filepath.Base(file), data, batch.Options{Encoding: encoding, Sheet: sheet})
	if err == nil && !existing {
		err = a.Batches.Process(ctx, o, b)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "\necship batch upload: %v\n", err)
		return ExitError
	}
	if existing {
		fmt.Fprintln(env.Stderr, "this file was uploaded before: its batch is shown, nothing was created again")
	}
	fmt.Fprintln(env.Stderr)
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	enc.Encode(api.BatchJSON(b, i18n.English))
	if b.Status != batch.Done {
		return ExitUsage
	}
	return ExitOK
}

// progressBar draws "[#####.....] 250/500 rows" on one line of stderr.
func progressBar(env *Env, done, total int) {
	if total == 0 || (done%10 != 0 && done != total) {
		return
	}
	const width = 30
	n := done * width / total
	fmt.Fprintf(env.Stderr, "\r[%s%s] %d/%d rows", strings.Repeat("#", n), strings.Repeat(".", width-n), done, total)
}
