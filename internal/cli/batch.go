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
	"github.com/ecship/ecship/internal/batch"
	"github.com/ecship/ecship/internal/config"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/shipment"
)

// batchCmd is `ecship batch upload FILE --user EMAIL`: prepare labels from a spreadsheet, with a
// progress bar on stderr and the result as JSON (the API's shape) on stdout.
func batchCmd(ctx context.Context, env *Env, args []string) error {
	const name = "batch upload"
	if len(args) == 0 || args[0] != "upload" {
		return &usageError{msg: "usage: ecship batch upload FILE --user EMAIL [--mode test|live] [--encoding E] [--sheet NAME]"}
	}
	args = args[1:]
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	var user, modeText, encoding, sheet string
	cfg, err := loadConfig(env, name, "FILE --user EMAIL [--mode test|live] [--encoding E] [--sheet NAME]", args, func(c *config.Config, fs *flag.FlagSet) {
		c.DBFlags(fs)
		fs.StringVar(&user, "user", "", "the sender's email or login name")
		fs.StringVar(&modeText, "mode", "live", "test or live data")
		fs.StringVar(&encoding, "encoding", "", "utf-8, utf-16, big5 or gb18030 (default: detect)")
		fs.StringVar(&sheet, "sheet", "", "the Excel sheet (default: the first)")
	})
	if err != nil {
		return err
	}
	if file == "" {
		return usagef("ecship %s: name the FILE", name)
	}
	mode, ok := account.ParseMode(modeText)
	if !ok {
		return badFlag(name, "--mode", "test or live")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return usagef("ecship %s: %w", name, err)
	}
	a, err := openApp(ctx, env, name, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Store.UserByLogin(ctx, user)
	if err != nil {
		return badFlag(name, "--user", fmt.Sprintf("no user %q", user))
	}
	a.Batches.Progress = func(_ string, done, total int) { progressBar(env, done, total) }
	o := shipment.Owner{User: u, Mode: mode}
	b, existing, err := a.Batches.Upload(ctx, o, filepath.Base(file), data, batch.Options{Encoding: encoding, Sheet: sheet})
	if err == nil && !existing {
		err = a.Batches.Process(ctx, o, b)
	}
	if err != nil {
		fmt.Fprintln(env.Stderr) // ends the progress bar's line
		return failed(name, err)
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
		// The batch's errors are in the result on stdout.
		return &usageError{err: fmt.Errorf("batch %s is %s", b.ID, b.Status)}
	}
	return nil
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
