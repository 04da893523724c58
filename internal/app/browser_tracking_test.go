package app_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/tracking"
)

// A visitor who is not signed in follows the navigation's Track link, types two item numbers, one
// a line, and sends them: the good one's timeline shows where it is and what happened, the
// mistyped one its check-digit error; switching to Traditional Chinese keeps the list and
// translates the milestone. The sender sees the same history on the label's page. The pages write
// nothing to the console.
func TestBrowserTracking(t *testing.T) {
	ctx := browser(t)
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	sender, err := a.Accounts.CreateUser(context.Background(), "kyotoshop", "kyotoshop@example.hk", "harbour-view-8", account.Sender)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := trackedToJapan(t, a, sender, "BROWSER-1")
	bad := s.ItemNo[:10] + string('0'+(s.ItemNo[10]-'0'+1)%10) + s.ItemNo[11:]

	var mu sync.Mutex
	var console []string
	cctx, stop := context.WithCancel(ctx)
	messages := chromedp.Console(cctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				console = append(console, m.String())
				mu.Unlock()
			}
		}
	}()

	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/?lang=en"),
		chromedp.WaitVisible(chromedp.CSS(`header nav a[href="/track"]`)),
		chromedp.Click(chromedp.CSS(`header nav a[href="/track"]`)),
		chromedp.WaitVisible(chromedp.ID("items")),
		chromedp.SendKeys(chromedp.ID("items"), strings.ToLower(s.ItemNo)+kb.Enter+bad),
		chromedp.Click(chromedp.CSS(`form.track-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#item-1 .timeline`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	unlabeled := must(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('input:not([type=hidden]),select,textarea')].filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.name).join(',')`))
	if unlabeled != "" {
		t.Errorf("form controls without a label: %s", unlabeled)
	}
	if got := must(t, ctx, chromedp.Text(chromedp.CSS(`#item-1 .milestone strong`))); got != "Arrived at the destination" {
		t.Errorf("milestone %q; want Arrived at the destination", got)
	}
	if n := must(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#item-1 ol.events > li').length`)); n != 3 {
		t.Errorf("%d events; want 3 (posted, left Hong Kong, arrived)", n)
	}
	if got := must(t, ctx, chromedp.Text(chromedp.CSS(`#item-1 ol.events > li:first-child .when`))); !strings.Contains(got, "(Tokyo time, UTC+9)") {
		t.Errorf("the latest event's time %q is not Tokyo's", got)
	}
	if got := must(t, ctx, chromedp.Text(chromedp.CSS(`#item-1 ol.journey li[aria-current="step"]`))); got != "Arrived at the destination" {
		t.Errorf("current step %q", got)
	}
	if got := must(t, ctx, chromedp.Text(chromedp.ID("item-2-error"))); !strings.Contains(got, bad) || !strings.Contains(got, "check digit") {
		t.Errorf("the mistyped number's error %q", got)
	}
	described := must(t, ctx, chromedp.AttributeValue(chromedp.ID("items"), "aria-describedby"))
	if !strings.Contains(described.Value, "item-2-error") {
		t.Errorf("the list's aria-describedby %q does not name the error", described.Value)
	}
	if got := must(t, ctx, chromedp.Value(chromedp.ID("items"))); got != strings.ToLower(s.ItemNo)+"\n"+bad {
		t.Errorf("the typed list is %q afterwards", got)
	}
	screenshot(t, ctx, "track.png")

	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.langs a[lang="zh-Hant"]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="zh-Hant"] #item-1 .timeline`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := must(t, ctx, chromedp.Text(chromedp.CSS(`#item-1 .milestone strong`))); got != "已抵達目的地" {
		t.Errorf("milestone in Traditional Chinese %q; want 已抵達目的地", got)
	}
	if got := must(t, ctx, chromedp.Text(chromedp.CSS(`#item-1 ol.events > li:first-child .when`))); !strings.Contains(got, "日本時間") {
		t.Errorf("the latest event's time in Traditional Chinese %q", got)
	}
	screenshot(t, ctx, "track-zh-hant.png")

	// Japanese customs hold the item; its sender signs in and finds the history on the label's
	// page, the hold shown apart from the usual steps.
	record(t, a, tracking.Input{ItemNo: s.ItemNo, Code: "EME", Country: "JP", Time: a.Now().Add(6 * time.Hour).Format(time.RFC3339)})
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/login?lang=en"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "kyotoshop"),
		chromedp.SendKeys(chromedp.ID("password"), "harbour-view-8"),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.tabs`)), // a sender starts at their labels
		chromedp.Navigate(base+"/labels/"+s.ID),
		chromedp.WaitVisible(chromedp.CSS(`.timeline`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := must(t, ctx, chromedp.Text(chromedp.CSS(`.timeline .posted`))); !strings.HasPrefix(got, "Posted at General Post Office on ") {
		t.Errorf("the label page says %q", got)
	}
	if got := must(t, ctx, chromedp.Text(chromedp.CSS(`.timeline ol.journey li.detour[aria-current="step"]`))); got != "Held by customs" {
		t.Errorf("the detour step %q; want Held by customs", got)
	}
	screenshot(t, ctx, "label-tracking.png")

	stop()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(console) > 0 {
		t.Errorf("console errors: %s", strings.Join(console, "; "))
	}
}
