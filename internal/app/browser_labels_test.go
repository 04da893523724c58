package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/store/storetest"
)

// A sender prepares an e-Express+ label to New York in the portal, sees its number, office of
// exchange and preview, finds it in the pending list, and prints it.
//
// rule: HIS-2, LBL-1, LBL-7
func TestBrowserPrepareLabel(t *testing.T) {
	ctx := browser(t)
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	if _, err := a.Accounts.CreateUser(context.Background(), "shopper", "shopper@example.hk", "harbour-view-8", account.Sender); err != nil {
		t.Fatal(err)
	}
	fill := func(name, v string) chromedp.Action[chromedp.Void] {
		return chromedp.SendKeys(chromedp.CSS(`[name="`+name+`"]`), v)
	}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/login?lang=en"),
		chromedp.WaitVisible(chromedp.ID("login")),
		fill("login", "shopper"), fill("password", "harbour-view-8"),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.tabs`)), // a sender starts at their labels
		chromedp.Navigate(base + "/labels/new?to=US&service=AEX"),
		chromedp.WaitVisible(chromedp.CSS(`form.labelform`)),
	}
	for k, v := range labelFormValues("10118") {
		if strings.HasPrefix(k, "sender_") || strings.HasPrefix(k, "r0_") && k != "r0_save" {
			steps = append(steps, chromedp.SetValue(chromedp.CSS(`[name="`+k+`"]`), v[0]))
		}
	}
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
	// Enter in a field presses the form's first button: it prepares the labels, whatever
	// address-book buttons come before the visible one.
	if v := must(t, ctx, chromedp.Evaluate[string](`document.querySelector('form.labelform button[type=submit]').value`)); v != "create" {
		t.Errorf("the form's default button does %q", v)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.actions button[name=action][value=create]`)), chromedp.WaitVisible(chromedp.CSS(`.preview`))); err != nil {
		t.Fatal(err)
	}
	title := must(t, ctx, chromedp.Text(chromedp.CSS(`.titlebar h1 code`)))
	facts := must(t, ctx, chromedp.Text(chromedp.CSS(`dl.facts`)))
	if !strings.HasPrefix(title, "L") || !strings.HasSuffix(title, "HK") || !strings.Contains(facts, "JFK") || !strings.Contains(facts, "CN22") {
		t.Errorf("label page: %q %q", title, facts)
	}
	screenshot(t, ctx, "label-view.png")
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/labels?tab=pending"),
		chromedp.WaitVisible(chromedp.CSS(`table.labels`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if n := must(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('table.labels tbody tr').length`)); n != 1 {
		t.Errorf("%d pending labels listed", n)
	}
	// The PDF the page links to is a PDF.
	kind := must(t, ctx, chromedp.Evaluate[string](`fetch(document.querySelector('table.labels a').href.replace(/\/?$/, '') + '/label.pdf').then(r => r.headers.get('content-type'))`, chromedp.EvalAwaitPromise))
	if kind != "application/pdf" {
		t.Errorf("label download: %q", kind)
	}
	screenshot(t, ctx, "labels-list.png")
}

// The label form prices a label as the sender types its weight, and again when the service
// changes, without pressing "Check price".
func TestBrowserLivePrice(t *testing.T) {
	ctx := browser(t)
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	if _, err := a.Accounts.CreateUser(context.Background(), "liveprice", "liveprice@example.hk", "harbour-view-8", account.Sender); err != nil {
		t.Fatal(err)
	}
	priceShown := `document.querySelector('[data-block="0"] .price-now').textContent`
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login?lang=en"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "liveprice"), chromedp.SendKeys(chromedp.ID("password"), "harbour-view-8"),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.tabs`)),
		chromedp.Navigate(base+"/labels/new?to=JP&service=EMS&lang=en"),
		chromedp.WaitVisible(chromedp.CSS(`form.labelform`)),
		chromedp.SendKeys(chromedp.ID("r0_weight"), "450"),
	)
	if err != nil {
		t.Fatal(err)
	}
	ems := must(t, ctx, chromedp.Poll[string](priceShown+`.startsWith('This label costs HK$') && `+priceShown, chromedp.WithPollingTimeout(10*time.Second)))
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("service"), "ARM"), chromedp.Evaluate[chromedp.Void](`document.getElementById('service').dispatchEvent(new Event('change', {bubbles: true}))`)); err != nil {
		t.Fatal(err)
	}
	air := must(t, ctx, chromedp.Poll[string](priceShown+`.startsWith('This label costs HK$') && `+priceShown+` !== `+"`"+ems+"`"+` && `+priceShown, chromedp.WithPollingTimeout(10*time.Second)))
	t.Logf("EMS: %s; Air Registered Mail: %s", ems, air)
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("r0_weight"), "kg")); err != nil {
		t.Fatal(err)
	}
	must(t, ctx, chromedp.Poll[bool](`!`+priceShown+`.includes('HK$')`, chromedp.WithPollingTimeout(10*time.Second)))
	if strong := must(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-block="0"] .price-now strong').length`)); strong != 0 {
		t.Errorf("a price still shown for 450kg")
	}
}
