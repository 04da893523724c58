package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/store/storetest"
)

// A counter clerk opens a session at the General Post Office and works it as with a barcode
// scanner, typing only into whatever has the focus: the item number and Enter bring the label's
// data up with the focus on the weight; the weight and Enter accept the item at the scale's
// weight, heavier than the label's, so the difference is due; the clerk takes it in cash, closes
// the session and gets the receipt.
//
// rule: CTR-2, CTR-3, CTR-5
func TestBrowserCounterSession(t *testing.T) {
	ctx := browser(t)
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	bg := context.Background()
	sender, err := a.Accounts.CreateUser(bg, "parcelshop", "parcelshop@example.hk", "harbour-view-8", account.Sender)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Accounts.CreateUser(bg, "gpoclerk", "gpoclerk@example.hk", "harbour-view-8", account.Counter); err != nil {
		t.Fatal(err)
	}
	s := counterParcel(t, a, sender, 2500, true)
	due := priceAt(t, a, s, 4800) - s.Total
	if due <= 0 {
		t.Fatalf("4.8 kg is not dearer than 2.5 kg: %v due", due)
	}
	focused := func() string {
		t.Helper()
		return must(t, ctx, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id : ''`))
	}
	unlabeled := func() string {
		t.Helper()
		return must(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('input:not([type=hidden]),select')].filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.name).join(',')`))
	}

	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/login?lang=en"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "gpoclerk"),
		chromedp.SendKeys(chromedp.ID("password"), "harbour-view-8"),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button`)),
		chromedp.WaitVisible(chromedp.ID("office")), // counter staff start at the counter
	)
	if err != nil {
		t.Fatal(err)
	}
	if u := unlabeled(); u != "" {
		t.Errorf("counter page controls without a label: %s", u)
	}
	screenshot(t, ctx, "counter-home.png")
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("office"), "GPO"),
		chromedp.Click(chromedp.CSS(`form[action="/counter/sessions"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("item_no")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if f := focused(); f != "item_no" {
		t.Fatalf("the session page focuses %q; want the item number field", f)
	}
	// The scanner types into the focused field and ends with Enter.
	err = chromedp.Do(ctx,
		chromedp.KeyEvent(s.ItemNo+kb.Enter),
		chromedp.WaitVisible(chromedp.ID("weight_g")),
	)
	if err != nil {
		t.Fatal(err)
	}
	data := must(t, ctx, chromedp.Text(chromedp.CSS(`section.label-data dl`)))
	for _, want := range []string{"陳大文", "李小明", "Kowloon", "2500 g", "HK$" + s.Total.Display()} {
		if !strings.Contains(data, want) {
			t.Errorf("the label's data %q lacks %q", data, want)
		}
	}
	if f := focused(); f != "weight_g" {
		t.Fatalf("after the look-up the focus is on %q; want the weight", f)
	}
	screenshot(t, ctx, "counter-label.png")
	err = chromedp.Do(ctx,
		chromedp.KeyEvent("4800"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`form.pay`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := must(t, ctx, chromedp.Text(chromedp.ID("due-now"))); got != "HK$"+due.Display() {
		t.Errorf("due now %q; want HK$%s", got, due.Display())
	}
	notice := must(t, ctx, chromedp.Text(chromedp.CSS(`p.notice`)))
	if !strings.Contains(notice, s.ItemNo) || !strings.Contains(notice, due.Display()) {
		t.Errorf("notice %q; want %s and HK$%s due", notice, s.ItemNo, due.Display())
	}
	if f := focused(); f != "item_no" {
		t.Errorf("after accepting, the focus is on %q; want the item number again", f)
	}
	if u := unlabeled(); u != "" {
		t.Errorf("session page controls without a label: %s", u)
	}
	if amount := must(t, ctx, chromedp.Value(chromedp.ID("amount"))); amount != due.String() {
		t.Errorf("amount prefilled with %q; want %s", amount, due.String())
	}
	screenshot(t, ctx, "counter.png")

	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form.pay input[value="cash"]`)),
		chromedp.Click(chromedp.CSS(`form.pay button[type=submit]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form.pay`)),
		chromedp.WaitVisible(chromedp.CSS(`form.close`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := must(t, ctx, chromedp.Text(chromedp.ID("due-now"))); got != "HK$0.00" {
		t.Errorf("due after paying %q", got)
	}
	if status := must(t, ctx, chromedp.Text(chromedp.CSS(`tr[data-item="`+s.ItemNo+`"] .status`))); status != "Posted" {
		t.Errorf("item status %q after paying; want Posted", status)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form.close button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("receipt-link")),
	)
	if err != nil {
		t.Fatal(err)
	}
	no := must(t, ctx, chromedp.Text(chromedp.ID("receipt-no")))
	if !strings.HasPrefix(no, "GPO-") {
		t.Errorf("receipt number %q", no)
	}
	kind := must(t, ctx, chromedp.Evaluate[string](`fetch(document.getElementById('receipt-link').href).then(r => r.headers.get('content-type'))`, chromedp.EvalAwaitPromise))
	if kind != "application/pdf" {
		t.Errorf("receipt link: %q", kind)
	}
	screenshot(t, ctx, "counter-receipt.png")
}
