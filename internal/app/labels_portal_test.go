package app_test

import (
	"context"
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/addressbook"
	"github.com/ecship/ecship/internal/app"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

// signedIn makes a sender and a client signed in as them.
func signedIn(t *testing.T, base string, svc *account.Service, login string) *browserish {
	t.Helper()
	return signedInAs(t, base, svc, login, account.Sender)
}

// signedInAs makes a user with role and a client signed in as them.
func signedInAs(t *testing.T, base string, svc *account.Service, login string, role account.Role) *browserish {
	t.Helper()
	testenv.User(t, svc, login, login+"@example.hk", role)
	b := newClient(t, base)
	if code, _, _ := b.do("POST", "/login", url.Values{"login": {login}, "password": {testenv.Password}}); code != 303 {
		t.Fatalf("sign in %s: %d", login, code)
	}
	return b
}

func labelFormValues(zip string) url.Values {
	return url.Values{"n": {"1"}, "service": {"AEX"}, "country": {"US"},
		"sender_name": {"陳大文"}, "sender_line1": {"Flat A, 12/F, 8 Nathan Road"}, "sender_city": {"Kowloon"}, "sender_phone": {"85291234567"}, "save_sender": {"1"},
		"r0_name": {"Jane Doe"}, "r0_line1": {"350 Fifth Avenue"}, "r0_city": {"New York"}, "r0_state": {"NY"}, "r0_postal": {zip}, "r0_save": {"1"},
		"r0_ref": {"ORDER-1001"}, "r0_weight": {"450"}, "r0_l": {"250"}, "r0_w": {"180"}, "r0_h": {"40"}, "r0_insure": {"1000"}, "r0_category": {"sale"},
		"r0_a0_desc": {"Silk scarf"}, "r0_a0_qty": {"2"}, "r0_a0_weight": {"300"}, "r0_a0_value": {"380"}, "r0_a0_currency": {"HKD"}, "r0_a0_hs": {"621410"}, "r0_a0_origin": {"HK"},
		"action": {"create"}}
}

// rule: HIS-1, HIS-2, LBL-7
func TestPortalLabelJourney(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	b := signedIn(t, base, a.Accounts, "shopper")

	// A bad ZIP: the message sits beside the postal code input, nothing is created.
	code, _, page := b.do("POST", "/labels?lang=en", labelFormValues("1011"))
	if code != 400 || !strings.Contains(page, `id="r0_postal-error">A US ZIP code is 5 digits`) {
		t.Fatalf("bad ZIP: %d", code)
	}
	// The summary lists each error once, linking to its input; the general line is not repeated.
	if !strings.Contains(page, `<li><a href="#r0_postal">Recipient · A US ZIP code is 5 digits`) || strings.Count(page, "Please check the fields marked.") != 1 {
		t.Errorf("the error summary does not link to the postal code, or says 'check the fields' twice")
	}
	code, loc, _ := b.do("POST", "/labels", labelFormValues("10118"))
	if code != 303 || !strings.HasPrefix(loc, "/labels/shp_") {
		t.Fatalf("create: %d %s", code, loc)
	}
	id := strings.TrimPrefix(strings.Split(loc, "?")[0], "/labels/")
	_, _, page = b.do("GET", loc+"&lang=en", nil)
	item := regexp.MustCompile(`<code>(L[A-Z]\d{9}HK)</code>`).FindStringSubmatch(page)
	if item == nil || !strings.Contains(page, "<strong>JFK</strong>") || !strings.Contains(page, `/labels/`+id+`/label.pdf`) {
		t.Fatalf("label page lacks the item number, JFK or the preview")
	}
	code, _, pdf := b.do("GET", "/labels/"+id+"/label.pdf", nil)
	if code != 200 || !strings.HasPrefix(pdf, "%PDF-") {
		t.Errorf("PDF: %d %q", code, pdf[:min(len(pdf), 20)])
	}
	// Lists by state, search, history and its CSV.
	if _, _, page = b.do("GET", "/labels?tab=pending&q=jane", nil); !strings.Contains(page, item[1]) {
		t.Error("pending list lacks the label")
	}
	if _, _, page = b.do("GET", "/labels?tab=pending&from=2020-01-01&to=2020-12-31", nil); strings.Contains(page, item[1]) {
		t.Error("date search shows a label made outside the dates")
	}
	if _, _, page = b.do("GET", "/labels?tab=incomplete", nil); strings.Contains(page, item[1]) {
		t.Error("incomplete list shows a ready label")
	}
	code, _, csv := b.do("GET", "/history.csv", nil)
	if code != 200 || !strings.HasPrefix(csv, "\ufeffcreated_at,item_no") || !strings.Contains(csv, item[1]+",ready,AEX,ORDER-1001,Jane Doe,US,450,") {
		t.Errorf("history CSV: %d %q", code, csv)
	}
	// The address book kept both addresses; the next form starts with the saved sender.
	if _, _, page = b.do("GET", "/addresses", nil); !strings.Contains(page, "Jane Doe") || !strings.Contains(page, "陳大文") {
		t.Error("address book lacks the saved addresses")
	}
	if _, _, page = b.do("GET", "/labels/new", nil); !strings.Contains(page, `value="Flat A, 12/F, 8 Nathan Road"`) {
		t.Error("new form does not start with the saved sender")
	}
	// Another sender cannot see, print or cancel it.
	other := signedIn(t, base, a.Accounts, "snooper")
	for _, path := range []string{"/labels/" + id, "/labels/" + id + "/label.pdf"} {
		if code, _, _ := other.do("GET", path, nil); code != 404 {
			t.Errorf("another sender GET %s: %d; want 404", path, code)
		}
	}
	if code, _, _ := other.do("POST", "/labels/"+id+"/cancel", url.Values{}); code != 404 {
		t.Errorf("another sender cancels: %d", code)
	}
	// Copy, then cancel the original: it moves to the cancelled list and cannot be printed.
	if code, loc, _ = b.do("POST", "/labels/"+id+"/copy", url.Values{}); code != 303 || !strings.HasSuffix(strings.Split(loc, "?")[0], "/edit") {
		t.Errorf("copy: %d %s", code, loc)
	}
	if code, _, _ = b.do("POST", "/labels/"+id+"/cancel", url.Values{}); code != 303 {
		t.Errorf("cancel: %d", code)
	}
	if _, _, page = b.do("GET", "/labels?tab=cancelled", nil); !strings.Contains(page, item[1]) {
		t.Error("cancelled list lacks it")
	}
	if code, _, _ = b.do("GET", "/labels/"+id+"/label.pdf", nil); code != 409 && code != 500 && code < 400 {
		t.Errorf("printing a cancelled label: %d", code)
	}
	// Draft: kept incomplete with its problems shown.
	v := labelFormValues("")
	v.Set("action", "draft")
	if code, loc, _ = b.do("POST", "/labels", v); code != 303 {
		t.Fatalf("draft: %d", code)
	}
	if _, _, page = b.do("GET", loc+"&lang=en", nil); !strings.Contains(page, "Recipient · Postal code: e-Express&#43; to the US needs the recipient&#39;s ZIP code") {
		t.Error("draft page lacks its problem, in the form's words")
	}
	if !strings.Contains(page, `<p class="notice warn" role="status">Saved as a draft.`) {
		t.Error("a draft is announced as prepared")
	}
}

// The label form writes a recipient's postcode and state as the address check does, and the
// label page shows what the check doubts (a Hong Kong district misspelt), in the sender's language.
func TestPortalLabelAddressCheck(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	b := signedIn(t, base, a.Accounts, "tidyshop")
	us := labelFormValues("10118 0110")
	us.Set("r0_state", "ny")
	code, loc, _ := b.do("POST", "/labels", us)
	if code != 303 {
		t.Fatalf("create: %d", code)
	}
	s := shipmentByID(t, a, strings.TrimPrefix(strings.Split(loc, "?")[0], "/labels/"))
	if s.Recipient.PostalCode != "10118-0110" || s.Recipient.State != "NY" {
		t.Errorf("recipient kept as %q %q; want 10118-0110 NY", s.Recipient.PostalCode, s.Recipient.State)
	}
	local := url.Values{"n": {"1"}, "service": {"LPL"}, "country": {"HK"},
		"sender_name": {"陳大文"}, "sender_line1": {"8 Nathan Road"}, "sender_city": {"Kowloon"}, "sender_phone": {"85291234567"},
		"r0_name": {"李小明"}, "r0_line1": {"1 Argyle Street"}, "r0_city": {"Mongkok"}, "r0_weight": {"800"}, "action": {"create"}}
	code, loc, _ = b.do("POST", "/labels", local)
	if code != 303 {
		t.Fatalf("create a local parcel: %d", code)
	}
	if _, _, page := b.do("GET", loc+"&lang=en", nil); !strings.Contains(page, "may be incomplete") || !strings.Contains(page, "Did you mean Mong Kok (Yau Tsim Mong district)?") {
		t.Errorf("the label page shows no doubt about Mongkok")
	}
	if _, _, page := b.do("GET", loc+"&lang=zh-Hant", nil); !strings.Contains(page, "你是否指 Mong Kok（油尖旺）？") {
		t.Errorf("the doubt is not in Chinese")
	}
}

// From a compared price to a label: each service's row links to the label form with its
// destination, service and weight filled in; the address book is in the navigation.
//
// rule: SVC-2
func TestPortalCompareToLabel(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	b := signedIn(t, base, a.Accounts, "comparer")
	_, _, page := b.do("GET", "/?to=JP&weight=450&lang=en", nil)
	link := `href="/labels/new?to=JP&amp;service=EMS&amp;weight=450"`
	if !strings.Contains(page, link) || !strings.Contains(page, `href="/addresses"`) {
		t.Fatalf("the compared EMS price links nowhere, or the address book is not in the navigation")
	}
	_, _, form := b.do("GET", "/labels/new?to=JP&service=EMS&weight=450&lang=en", nil)
	for _, want := range []string{`name="r0_weight" value="450"`, `<option value="EMS" selected`, `<option value="JP" selected`} {
		if !strings.Contains(form, want) {
			t.Errorf("the label form lacks %s", want)
		}
	}
}

// Cancelling or deleting a label asks first, and says what becomes of its money: an unpaid label
// costs nothing, a paid one not yet settled is never charged, a settled one gets a refund
// application for what was paid. Asking changes nothing.
//
// rule: PAY-3, PAY-4
func TestPortalConfirmBeforeCancel(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	b := signedIn(t, base, a.Accounts, "careful")
	sender := userByLogin(t, a, "careful")
	unpaid, paid := counterParcel(t, a, sender, 500, false), counterParcel(t, a, sender, 600, true)
	_, _, page := b.do("GET", "/labels/"+paid.ID+"?lang=en", nil)
	if !strings.Contains(page, `href="/labels/`+paid.ID+`/cancel"`) || strings.Contains(page, `action="/labels/`+paid.ID+`/cancel"`) {
		t.Fatalf("the label page cancels without asking")
	}
	for _, c := range []struct {
		id, what, want string
	}{
		{unpaid.ID, "cancel", "It is not paid: nothing is charged."},
		{paid.ID, "cancel", "your card will never be charged the HK$" + paid.Total.Display()},
		{unpaid.ID, "delete", "A deleted label is gone for good"},
	} {
		code, _, page := b.do("GET", "/labels/"+c.id+"/"+c.what+"?lang=en", nil)
		if code != 200 || !strings.Contains(page, c.want) || !strings.Contains(page, `<form method="post" action="/labels/`+c.id+`/`+c.what+`"`) {
			t.Errorf("%s %s: %d, no %q", c.what, c.id, code, c.want)
		}
	}
	if s := shipmentByID(t, a, paid.ID); string(s.Status) != "paid" {
		t.Errorf("asking changed the label: %s", s.Status)
	}
	if _, _, _, err := a.Payments.Settle(context.Background(), time.Now().Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, _, page := b.do("GET", "/labels/"+paid.ID+"/cancel?lang=zh-Hant", nil); !strings.Contains(page, "系統會提交 HK$"+paid.Total.Display()+" 的退款申請") {
		t.Errorf("a settled label's cancellation does not say a refund application opens")
	}
	// Cancelled after the settlement: the payment's page shows the refund application.
	if code, _, _ := b.do("POST", "/labels/"+paid.ID+"/cancel", url.Values{}); code != 303 {
		t.Fatalf("cancel: %d", code)
	}
	pay := paymentOf(t, a, sender, paid.ID)
	if _, _, page := b.do("GET", "/payments/"+pay+"?lang=en", nil); !strings.Contains(page, "Refund of HK$"+paid.Total.Display()+": Submitted") {
		t.Errorf("the payment page does not show the refund application")
	}
}

// A payment's page shows what will not be charged: a label cancelled before the settlement is
// struck through, and the amount to be charged is what is left.
//
// rule: PAY-3
func TestPortalPaymentAfterCancel(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	b := signedIn(t, base, a.Accounts, "halfcancel")
	sender := userByLogin(t, a, "halfcancel")
	o := shipment.Owner{User: sender, Mode: account.Live}
	one, two := counterParcel(t, a, sender, 500, false), counterParcel(t, a, sender, 600, false)
	card := payment.Card{Number: payment.TestCardApprove, ExpMonth: 12, ExpYear: time.Now().Year() + 2, CVC: "123"}
	pay, err := a.Payments.PayByCard(context.Background(), o, []string{one.ID, two.ID}, card, "")
	if err != nil {
		t.Fatal(err)
	}
	if code, _, _ := b.do("POST", "/labels/"+one.ID+"/cancel", url.Values{}); code != 303 {
		t.Fatalf("cancel: %d", code)
	}
	_, _, page := b.do("GET", "/payments/"+pay.ID+"?lang=en", nil)
	if !strings.Contains(page, "Cancelled before the settlement: never charged") || !strings.Contains(page, "<s>HK$"+one.Total.Display()+"</s>") ||
		!strings.Contains(page, "To be charged</dt><dd><strong>HK$"+two.Total.Display()+"</strong>") {
		t.Errorf("the payment page does not show what will not be charged")
	}
}

// paymentOf is the id of the live payment of one of a sender's labels.
func paymentOf(t *testing.T, a *app.App, u *account.User, shipmentID string) string {
	t.Helper()
	p, err := a.Store.PaymentOfShipment(context.Background(), u.ID, account.Live, shipmentID)
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// The label form's other buttons keep what was typed: adding a label for the country keeps the
// first one, and picking a saved recipient or sender fills only their inputs.
func TestPortalLabelFormKeepsTyping(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	b := signedIn(t, base, a.Accounts, "typist")
	o := shipment.Owner{User: userByLogin(t, a, "typist"), Mode: account.Live}
	friend, err := a.Addresses.Save(context.Background(), o, addressbook.Recipient, shipment.Address{Name: "Saved Friend", Lines: []string{"9 Saved Road"}, City: "Boston", State: "MA", PostalCode: "02108", Country: "US"})
	if err != nil {
		t.Fatal(err)
	}
	v := labelFormValues("10118")
	v.Set("action", "add_one")
	code, _, page := b.do("POST", "/labels?lang=en", v)
	if code != 200 || !strings.Contains(page, `name="n" value="2"`) || !strings.Contains(page, `value="Jane Doe"`) || !strings.Contains(page, `name="r1_name"`) {
		t.Errorf("add one: %d; the typed recipient or the second block is missing", code)
	}
	if n, _, _ := a.Shipments.List(context.Background(), o, shipment.Filter{Limit: 5}); len(n) != 0 {
		t.Errorf("adding a block made %d labels", len(n))
	}
	v = labelFormValues("10118")
	v.Del("action")
	v.Set("use_recipient", friend)
	_, _, page = b.do("POST", "/labels?lang=en", v)
	for _, want := range []string{`value="Saved Friend"`, `value="02108"`, `name="r0_weight" value="450"`, `value="Silk scarf"`} {
		if !strings.Contains(page, want) {
			t.Errorf("after picking a saved recipient the form lacks %s", want)
		}
	}
}

// With a destination chosen, the label form offers only the services that go there, and says why
// the others do not.
//
// rule: SVC-2
func TestPortalServicesByDestination(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	b := signedIn(t, base, a.Accounts, "chooser")
	_, _, page := b.do("GET", "/labels/new?to=JP&lang=en", nil)
	if !strings.Contains(page, `<option value="EMS"`) || strings.Contains(page, `<option value="LPL"`) || !strings.Contains(page, "services cannot take these labels there") {
		t.Errorf("to Japan: the services offered are not Japan's")
	}
	_, _, page = b.do("GET", "/labels/new?to=HK&lang=en", nil)
	if !strings.Contains(page, `<option value="LPL"`) || strings.Contains(page, `<option value="EMS"`) {
		t.Errorf("within Hong Kong: the services offered are not local ones")
	}
	if _, _, page = b.do("GET", "/labels/new?lang=en", nil); !strings.Contains(page, `<option value="EMS"`) || !strings.Contains(page, `<option value="LPL"`) {
		t.Errorf("no destination yet: every service should be offered")
	}
	// With a weight typed, the services that cannot carry it are not offered either, and say why.
	_, _, page = b.do("GET", "/labels/new?to=JP&weight=5000&lang=en", nil)
	notOffered := regexp.MustCompile(`(?s)<details class="hint">.*?</details>`).FindString(page)
	if !strings.Contains(page, `<option value="EMS"`) || strings.Contains(page, `<option value="ARM"`) || !strings.Contains(notOffered, "Air Registered Mail") || !strings.Contains(notOffered, "kg") {
		t.Errorf("5 kg to Japan: Air Registered Mail (2 kg at most) should not be offered, with why: %s", notOffered)
	}
}

// "Check price" prices each label as typed, without script and without keeping anything.
func TestPortalCheckPrice(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	b := signedIn(t, base, a.Accounts, "pricer")
	v := labelFormValues("10118")
	v.Set("action", "price")
	code, _, page := b.do("POST", "/labels?lang=en", v)
	m := regexp.MustCompile(`This label costs <strong>HK\$([0-9,.]+)</strong>`).FindStringSubmatch(page)
	if code != 200 || m == nil || !strings.Contains(page, `value="Jane Doe"`) {
		t.Fatalf("check price: %d, no price or the typed values lost", code)
	}
	// The same label prepared costs what was shown.
	v.Set("action", "create")
	code, loc, _ := b.do("POST", "/labels", v)
	if code != 303 {
		t.Fatalf("create: %d", code)
	}
	if s := shipmentByID(t, a, strings.TrimPrefix(strings.Split(loc, "?")[0], "/labels/")); s.Total.Display() != m[1] {
		t.Errorf("shown HK$%s, prepared at HK$%s", m[1], s.Total.Display())
	}
}

// An empty label form lists every problem at once: choosing the destination and service, or
// fixing what was listed, never brings up an input the first answer did not mark (no errors in
// waves), and the destination list asks to choose, not to type a code.
func TestPortalErrorsAllAtOnce(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	b := signedIn(t, base, a.Accounts, "waves")
	marked := func(v url.Values) (map[string]string, string) {
		t.Helper()
		v.Set("n", "1")
		v.Set("action", "create")
		code, _, page := b.do("POST", "/labels?lang=en", v)
		if code != 400 {
			t.Fatalf("%v: %d", v, code)
		}
		out := map[string]string{}
		for _, m := range regexp.MustCompile(`<li><a href="#([^"]+)">([^<]+)</a></li>`).FindAllStringSubmatch(page, -1) {
			out[m[1]] = html.UnescapeString(m[2])
		}
		return out, page
	}
	first, page := marked(url.Values{})
	for _, input := range []string{"country", "service", "sender_name", "r0_name", "r0_line1", "r0_city", "r0_weight", "r0_category"} {
		if first[input] == "" {
			t.Errorf("the empty form does not mark %s: %v", input, first)
		}
	}
	if !strings.Contains(first["country"], "Choose the country") || !strings.Contains(page, `id="country-error">Choose the country`) {
		t.Errorf("destination: %q", first["country"])
	}
	for _, v := range []url.Values{
		{"country": {"JP"}},
		{"country": {"JP"}, "service": {"LCP"}}, // Local CourierPost does not go to Japan: said at once
		{"country": {"HK"}, "service": {"LCP"}},
		{"country": {"JP"}, "service": {"EMS"}, "r0_weight": {"450"}, "r0_name": {"Taro"}},
		{"country": {"US"}, "service": {"AEX"}, "r0_weight": {"45000"}},
	} {
		now, _ := marked(v)
		for input, text := range now {
			// The one thing only the chosen service can ask: e-Express+ needs a US ZIP code.
			if first[input] == "" && !(input == "r0_postal" && v.Get("service") == "AEX") {
				t.Errorf("%v: %s marked (%q), which the empty form was not", v, input, text)
			}
		}
		if v.Get("service") == "LCP" && v.Get("country") == "JP" && !strings.Contains(now["service"], "does not go to Japan") {
			t.Errorf("Local CourierPost to Japan: %q", now["service"])
		}
	}
}

// The label form's script asks GET /labels/price as the sender types: the price the form's
// "Check price" would show for the same label, or why there is none, in the sender's language.
func TestPortalLivePrice(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	b := signedIn(t, base, a.Accounts, "livepricer")
	v := labelFormValues("10118")
	v.Set("action", "price")
	_, _, page := b.do("POST", "/labels?lang=en", v)
	shown := regexp.MustCompile(`This label costs <strong>(HK\$[0-9,.]+)</strong>`).FindStringSubmatch(page)
	if shown == nil {
		t.Fatal("no price shown by Check price")
	}
	ask := func(q url.Values) (price, text string) {
		t.Helper()
		code, _, body := b.do("GET", "/labels/price?"+q.Encode(), nil)
		var answer struct{ Text, Price string }
		if err := json.Unmarshal([]byte(body), &answer); code != 200 || err != nil {
			t.Fatalf("%s: %d %v", q.Encode(), code, err)
		}
		return answer.Price, answer.Text
	}
	q := url.Values{"service": {v.Get("service")}, "country": {v.Get("country")}, "weight": {v.Get("r0_weight")},
		"l": {v.Get("r0_l")}, "w": {v.Get("r0_w")}, "h": {v.Get("r0_h")}, "insure": {v.Get("r0_insure")}, "lang": {"en"}}
	// e-Express+ rates are sample figures: both say so.
	if price, text := ask(q); price != shown[1] || text != "This label costs "+shown[1]+" (sample)" || !strings.Contains(page, "</strong> (sample)") {
		t.Errorf("live price %q (%q); Check price showed %s", price, text, shown[1])
	}
	for change, want := range map[[2]string]string{
		{"weight", "heavy"}: "weight",
		{"weight", "40000"}: "kg",
		{"country", ""}:     "Not priced yet",
		{"service", "LCP"}:  "",
		{"insure", "lots"}:  "insur",
		{"lang", "zh-Hant"}: "此標籤郵費",
	} {
		c := url.Values{}
		for k, vs := range q {
			c[k] = vs
		}
		c.Set(change[0], change[1])
		price, text := ask(c)
		if change[0] != "lang" && price != "" || !strings.Contains(strings.ToLower(text), strings.ToLower(want)) {
			t.Errorf("%s=%q: %q %q; want a text with %q", change[0], change[1], price, text, want)
		}
	}
}

// A signed-in sender's start page: what waits for them, and this month's spend by service and by
// destination as bars with their figures in a table.
func TestPortalDashboard(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	b := signedIn(t, base, a.Accounts, "dashing")
	sender := userByLogin(t, a, "dashing")
	counterParcel(t, a, sender, 500, false)
	paid := counterParcel(t, a, sender, 600, true)
	_, _, page := b.do("GET", "/?lang=en", nil)
	for _, want := range []string{`<strong>1</strong> labels to pay`, `<strong>1</strong> paid labels to print`, `<strong>1</strong> paid labels to post`,
		"<strong>HK$" + paid.Total.Display() + "</strong> · 1 items", `<th scope="row">Local Parcel</th><td class="num">1</td><td class="num">HK$` + paid.Total.Display(),
		`<th scope="row">Hong Kong</th>`, `<rect width="100"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the dashboard lacks %s", want)
		}
	}
	// Visitors, and a comparison asked for, get the comparison alone.
	if _, _, page := newClient(t, base).do("GET", "/?lang=en", nil); strings.Contains(page, "labels to pay") {
		t.Error("a visitor sees a dashboard")
	}
	if _, _, page := b.do("GET", "/?to=JP&weight=450&lang=en", nil); strings.Contains(page, "labels to pay") {
		t.Error("a comparison shows the dashboard")
	}
}
