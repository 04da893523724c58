package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

// overflowJS measures a page: how wide it scrolls against the viewport, and the first elements
// (outside a scrolling box) that reach past its right edge.
const overflowJS = `(() => {
  const w = document.documentElement.clientWidth, wide = [];
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > w + 1 && !scrolls(el)) wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : '') + ' ' + Math.round(r.width) + 'px');
  }
  return JSON.stringify({scroll: document.documentElement.scrollWidth, client: w, wide: wide.slice(0, 6)});
})()`

// axeJS runs axe-core (injected before) on the page and answers its violations, a few nodes each.
const axeJS = `axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(r.violations.map(v =>
  v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))`

// axeSource is axe-core's script (ECSHIP_AXE names axe.min.js; scripts/test.sh installs it from
// npm), or "" when it is not there, outside CI.
func axeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv("ECSHIP_AXE")
	if path == "" {
		testenv.Missing(t, "axe-core", "scripts/test.sh installs it from npm and sets ECSHIP_AXE")
		return ""
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type overflow struct {
	Scroll, Client int
	Wide           []string
}

// Every portal page fits a phone (390×844) and a desktop (1280×800) in every language: nothing
// makes the page scroll sideways, and axe-core finds no accessibility violation. Signed in as the
// demo's sender, counter clerk and admin.
func TestBrowserPagesFitTheScreen(t *testing.T) {
	axe := axeSource(t)
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	ctx := context.Background()
	if err := a.Demo(ctx, io.Discard); err != nil {
		t.Fatal(err)
	}
	sender := shipment.Owner{User: userByLogin(t, a, "sender@demo.ecship.hk"), Mode: account.Live}
	labels, _, err := a.Shipments.List(ctx, sender, shipment.Filter{Limit: 10})
	if err != nil || len(labels) == 0 {
		t.Fatalf("demo labels: %v %d", err, len(labels))
	}
	var ready string
	for _, s := range labels {
		if s.Status == shipment.Ready {
			ready = s.ID
		}
	}
	// An endpoint with a delivery in its log (a label printed): it cannot reach the example
	// host, so its log shows the attempts failing.
	hook, _, err := a.Webhooks.Register(ctx, sender.User.ID, account.Live, "https://hooks.example.com/ecship", "the shop's server", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range labels {
		if s.ID != ready && (s.Status == shipment.Ready || s.Status == shipment.Paid) {
			if err := a.Store.PrintShipments(ctx, sender.User.ID, account.Live, []string{s.ID}, time.Now()); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	roles := []struct {
		email, password string
		pages           []string
	}{
		{"", "", []string{"/", "/?to=JP&weight=450", "/track", "/login", "/register", "/forgot-password"}},
		{"sender@demo.ecship.hk", "demo-sender-pw", []string{"/", "/?to=JP&weight=450", "/labels/new?to=JP&service=EMS&weight=450", "/labels", "/labels?tab=pending", "/labels/new?to=US&service=AEX", "/labels/new?n=3&to=JP",
			"/labels/" + ready, "/labels/" + ready + "/edit", "/labels/" + ready + "/cancel", "/batches/new", "/history", "/addresses", "/account", "/refunds", "/deposits", "/track?item_no=" + labels[0].ItemNo,
			"/webhooks", "/webhooks/" + hook.ID}},
		{"counter@demo.ecship.hk", "demo-counter-pw", []string{"/counter"}},
		{"admin@demo.ecship.hk", "demo-admin-pw", []string{"/admin", "/admin/refunds", "/admin/deposits", "/admin/outbox", "/admin/audit"}},
	}
	var failures []string
	for _, role := range roles {
		bctx := browserWithin(t, 5*time.Minute) // up to 60 page views, each checked by axe-core
		if role.email != "" {
			signInBrowser(t, bctx, base, role.email, role.password)
		}
		for _, size := range [][2]int64{{390, 844}, {1280, 800}} {
			for _, lang := range []string{"en", "zh-Hant", "zh-Hans"} {
				for _, page := range role.pages {
					sep := "?"
					if strings.Contains(page, "?") {
						sep = "&"
					}
					if err := chromedp.Do(bctx, chromedp.EmulateViewport(size[0], size[1]), chromedp.Navigate(base+page+sep+"lang="+lang)); err != nil {
						t.Fatal(err)
					}
					raw := must(t, bctx, chromedp.Evaluate[string](overflowJS))
					var m overflow
					if err := json.Unmarshal([]byte(raw), &m); err != nil {
						t.Fatal(err)
					}
					switch {
					case lang == "en" && size[0] == 390 && strings.HasPrefix(page, "/labels/new?to=US"):
						screenshot(t, bctx, "portal-label-form-phone.png")
					case lang == "en" && size[0] == 1280 && page == "/" && role.email == "sender@demo.ecship.hk":
						screenshot(t, bctx, "portal-dashboard.png")
					case lang == "en" && size[0] == 1280 && page == "/?to=JP&weight=450" && role.email != "":
						screenshot(t, bctx, "portal-compare-to-label-1.png")
					case lang == "en" && size[0] == 1280 && page == "/labels/new?to=JP&service=EMS&weight=450":
						screenshot(t, bctx, "portal-compare-to-label-2.png")
					}
					if m.Scroll > m.Client {
						failures = append(failures, fmt.Sprintf("%s at %dpx (%s): %dpx wide; %s", page, size[0], lang, m.Scroll, strings.Join(m.Wide, ", ")))
					}
					if axe != "" {
						must(t, bctx, chromedp.Evaluate[bool](axe+";true"))
						var violations []string
						if err := json.Unmarshal([]byte(must(t, bctx, chromedp.Evaluate[string](axeJS, chromedp.EvalAwaitPromise))), &violations); err != nil {
							t.Fatal(err)
						}
						for _, v := range violations {
							failures = append(failures, fmt.Sprintf("%s at %dpx (%s): axe: %s", page, size[0], lang, v))
						}
					}
				}
			}
		}
	}
	for _, f := range failures {
		t.Error(f)
	}
}

// signInBrowser signs in through the login form.
func signInBrowser(t *testing.T, ctx context.Context, base, login, password string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login?lang=en"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.CSS(`[name="login"]`), login), chromedp.SendKeys(chromedp.CSS(`[name="password"]`), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action="/login"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
}
