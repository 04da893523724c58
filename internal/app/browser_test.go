package app_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

// browser starts a headless Chromium for the test. Without one it skips, except under CI, where a
// missing browser is a failure: the README's test command installs it.
func browser(t *testing.T) context.Context {
	t.Helper()
	return browserWithin(t, 60*time.Second)
}

// browserWithin is browser for a test that needs longer than a minute in all.
func browserWithin(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	path := os.Getenv("ECSHIP_CHROMIUM")
	if path == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		testenv.Missing(t, "Chromium", "apt-get install -y chromium")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1000))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// screenshot saves the page under ECSHIP_SCREENSHOTS, when set (the README's pictures come from here).
func screenshot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("ECSHIP_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func must[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// A sender compares postage in the portal: types a destination and weight, reads the table, switches
// language, and gets clear errors for bad input.
func TestBrowserComparePostage(t *testing.T) {
	ctx := browser(t)
	_, base := start(t, storetest.DSNs(t)["sqlite"], nil)

	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/?lang=en"),
		chromedp.WaitVisible(chromedp.ID("to")),
	)
	if err != nil {
		t.Fatal(err)
	}
	unlabeled := must(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('input:not([type=hidden]),select')].filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.name).join(',')`))
	if unlabeled != "" {
		t.Errorf("form controls without a label: %s", unlabeled)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("to"), "Japan (JP)"),
		chromedp.SendKeys(chromedp.ID("weight"), "450"),
		chromedp.SendKeys(chromedp.ID("insure"), "1000"),
		chromedp.Click(chromedp.CSS(`form.quote button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.options`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	rows := must(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('tr[data-service]').length`))
	arm := must(t, ctx, chromedp.Text(chromedp.CSS(`tr[data-service="ARM"] td.price strong`)))
	if rows != 6 || arm != "HK$113.10" {
		t.Errorf("%d rows, Air Registered Mail %q; want 6 rows and HK$113.10 (HK$97.60 + HK$15.50)", rows, arm)
	}
	screenshot(t, ctx, "portal-compare.png")

	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.langs a[lang="zh-Hant"]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="zh-Hant"] table.options`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if heading := must(t, ctx, chromedp.Text(chromedp.ID("results-title"))); heading != "450 克寄往日本" {
		t.Errorf("heading %q after switching to Traditional Chinese", heading)
	}
	screenshot(t, ctx, "portal-compare-zh-hant.png")

	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/?lang=zh-Hans"),
		chromedp.WaitVisible(chromedp.ID("to")),
		chromedp.SendKeys(chromedp.ID("to"), "Atlantis"),
		chromedp.SendKeys(chromedp.ID("weight"), "-2"),
		chromedp.Click(chromedp.CSS(`form.quote button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("weight-error")),
	)
	if err != nil {
		t.Fatal(err)
	}
	errText := must(t, ctx, chromedp.Text(chromedp.ID("to-error")))
	invalid := must(t, ctx, chromedp.AttributeValue(chromedp.ID("weight"), "aria-invalid"))
	if !strings.Contains(errText, "Atlantis") || !strings.Contains(errText, "国家或地区") || invalid.Value != "true" {
		t.Errorf("error next to the destination %q, weight aria-invalid %q", errText, invalid.Value)
	}
}
