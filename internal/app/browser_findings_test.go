package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

// A sender's day in Chromium, on a phone (390×844) and on a desktop (1280×800): signed in they
// start at their labels; a compared price opens the label form filled in and priced as they type;
// adding a label keeps what was typed; an empty form lists every problem, each linking to its
// input; paying with nothing ticked says so in amber; cancelling asks first and changes nothing
// until confirmed.
func TestBrowserSenderFindings(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	for _, size := range [][2]int64{{390, 844}, {1280, 800}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			ctx := browser(t)
			login := fmt.Sprintf("day%d", size[0])
			u := testenv.User(t, a.Accounts, login, login+"@example.hk", account.Sender)
			label := counterParcel(t, a, u, 500, false)
			js := func(expr string) string { return must(t, ctx, chromedp.Evaluate[string](expr)) }
			do := func(actions ...chromedp.Action[chromedp.Void]) {
				t.Helper()
				if err := chromedp.Do(ctx, actions...); err != nil {
					t.Fatal(err)
				}
			}
			do(chromedp.EmulateViewport(size[0], size[1]),
				chromedp.Navigate(base+"/login?lang=en"), chromedp.WaitVisible(chromedp.ID("login")),
				chromedp.SendKeys(chromedp.ID("login"), login), chromedp.SendKeys(chromedp.ID("password"), testenv.Password),
				chromedp.Click(chromedp.CSS(`form[action="/login"] button`)), chromedp.WaitVisible(chromedp.CSS(`.tabs`)))
			if p := js(`location.pathname`); p != "/labels" {
				t.Errorf("signed in at %s, not at the labels", p)
			}

			// From a compared price to a label: filled in, and priced as the weight is typed.
			do(chromedp.Navigate(base+"/?to=JP&weight=450&lang=en"),
				chromedp.Click(chromedp.CSS(`a[href^="/labels/new?to=JP&service=EMS"]`)), chromedp.WaitVisible(chromedp.CSS(`form.labelform`)))
			if got := js(`[country.value, service.value, r0_weight.value].join(' ')`); got != "JP EMS 450" {
				t.Errorf("the form from the EMS price holds %q", got)
			}
			must(t, ctx, chromedp.Poll[bool](`document.querySelector('[data-block="0"] .price-now').textContent.includes('HK$')`, chromedp.WithPollingTimeout(10*time.Second)))

			// Adding a label for the country keeps the first one's recipient.
			do(chromedp.SendKeys(chromedp.ID("r0_name"), "Taro Yamada"),
				chromedp.Click(chromedp.CSS(`button[value="add_one"]`)), chromedp.WaitVisible(chromedp.ID("r1_name")))
			if got := js(`r0_name.value + ' / ' + country.value`); got != "Taro Yamada / JP" {
				t.Errorf("after adding a label the form holds %q", got)
			}

			// An empty form: one summary, every problem a link to its input, selects marked.
			do(chromedp.Navigate(base+"/labels/new?lang=en"), chromedp.WaitVisible(chromedp.CSS(`form.labelform`)),
				chromedp.Click(chromedp.CSS(`.actions button[value="create"]`)), chromedp.WaitVisible(chromedp.ID("error-summary")))
			links := js(`[...document.querySelectorAll('#error-summary li a')].map(a => a.getAttribute('href')).join(' ')`)
			for _, input := range []string{"#country", "#service", "#r0_name", "#r0_line1", "#r0_city", "#r0_weight", "#r0_category"} {
				if !strings.Contains(links+" ", input+" ") {
					t.Errorf("the error summary does not link to %s: %s", input, links)
				}
			}
			if got := js(`[...document.querySelectorAll('#error-summary')].length + ' ' + country.getAttribute('aria-invalid') + ' ' + service.getAttribute('aria-invalid')`); got != "1 true true" {
				t.Errorf("summaries, destination and service marked: %q", got)
			}
			do(chromedp.Click(chromedp.CSS(`#error-summary li a[href="#r0_city"]`)))
			if got := must(t, ctx, chromedp.Poll[string](`location.hash === '#r0_city' && location.hash`, chromedp.WithPollingTimeout(5*time.Second))); got != "#r0_city" {
				t.Errorf("the summary's link went to %q", got)
			}

			// Paying with nothing ticked says what to do, in amber.
			do(chromedp.Navigate(base+"/labels?tab=pending&lang=en"), chromedp.WaitVisible(chromedp.CSS(`table.labels`)),
				chromedp.Click(chromedp.CSS(`button[formaction="/pay"]`)), chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
			if got := js(`document.querySelector('p.notice').className + ': ' + document.querySelector('p.notice').textContent`); got != "notice warn: Tick the labels to pay for first." {
				t.Errorf("pay with nothing ticked: %q", got)
			}

			// Cancelling asks first; asking changes nothing.
			do(chromedp.Navigate(base+"/labels/"+label.ID+"?lang=en"), chromedp.Click(chromedp.CSS(`a[href="/labels/`+label.ID+`/cancel"]`)),
				chromedp.WaitVisible(chromedp.CSS(`form[action="/labels/`+label.ID+`/cancel"]`)))
			if !strings.Contains(js(`document.body.innerText`), "nothing is charged") {
				t.Errorf("the cancel page does not say what becomes of the money")
			}
			if s := shipmentByID(t, a, label.ID); s.Status != "ready" {
				t.Errorf("asking to cancel changed the label: %s", s.Status)
			}
			do(chromedp.Click(chromedp.CSS(`form[action="/labels/`+label.ID+`/cancel"] button`)), chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
			if s := shipmentByID(t, a, label.ID); s.Status != "cancelled" {
				t.Errorf("confirmed, the label is %s", s.Status)
			}
		})
	}
}
