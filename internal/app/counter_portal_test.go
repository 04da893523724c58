package app_test

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/app"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/counter"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/s10"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

// counterParcel prepares a local parcel of weightG for a sender, paid by card when paid is set.
func counterParcel(t testing.TB, a *app.App, sender *account.User, weightG int, paid bool) *shipment.Shipment {
	t.Helper()
	ctx := context.Background()
	o := shipment.Owner{User: sender, Mode: account.Live}
	s := &shipment.Shipment{Service: "LPL", Reference: "COUNTER-1", WeightG: weightG,
		Sender:    shipment.Address{Name: "陳大文", Lines: []string{"8 Nathan Road"}, City: "Kowloon", Country: "HK", Phone: "85291234567"},
		Recipient: shipment.Address{Name: "李小明", Lines: []string{"1 Queen's Road Central"}, City: "Central", Country: "HK"}}
	if err := a.Shipments.Create(ctx, o, []*shipment.Shipment{s}, false); err != nil {
		t.Fatal(err)
	}
	if paid {
		card := payment.Card{Number: "4111111111111111", ExpMonth: 12, ExpYear: time.Now().Year() + 2, CVC: "123"}
		if _, err := a.Payments.PayByCard(ctx, o, []string{s.ID}, card, ""); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// priceAt is what the label costs at another weight.
func priceAt(t testing.TB, a *app.App, s *shipment.Shipment, weightG int) money.Cents {
	t.Helper()
	c := *s
	c.WeightG = weightG
	if fe := shipment.Check(a.Catalog, &c, time.Now()); len(fe) > 0 {
		t.Fatal(fe.Err())
	}
	return c.Total
}

// counterUser signs in a new member of counter staff.
func counterUser(t *testing.T, a *app.App, base, login string) *browserish {
	t.Helper()
	return signedInAs(t, base, a.Accounts, login, account.Counter)
}

// Counter staff open a session, look a paid label up, accept it at a heavier weight, take the
// difference in cash, close the session and print its receipt; nobody else sees the session.
//
// rule: CTR-1, CTR-2, CTR-3, CTR-5, CTR-6
func TestPortalCounterSession(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	ctx := context.Background()
	sender := signedIn(t, base, a.Accounts, "shopkeeper")
	su := userByLogin(t, a, "shopkeeper")

	// Senders and the signed-out have no counter.
	if code, _, _ := sender.do("GET", "/counter", nil); code != 403 {
		t.Errorf("a sender on /counter: %d; want 403", code)
	}
	if _, _, page := sender.do("GET", "/account", nil); strings.Contains(page, `href="/counter"`) {
		t.Error("a sender's navigation links to the counter")
	}
	if code, loc, _ := newClient(t, base).do("GET", "/counter", nil); code != 303 || !strings.HasPrefix(loc, "/login?next=") {
		t.Errorf("signed out on /counter: %d %s", code, loc)
	}

	clerk := counterUser(t, a, base, "clerk")
	code, _, page := clerk.do("GET", "/counter?lang=en", nil)
	if code != 200 || !strings.Contains(page, `<a href="/counter" aria-current="page">Counter</a>`) || !strings.Contains(page, `<option value="GPO">`) ||
		!strings.Contains(page, "No sessions yet.") {
		t.Fatalf("counter page: %d", code)
	}
	if a.Catalog.OfficesSample() && !strings.Contains(page, "sample list of offices") {
		t.Error("the counter page does not say the office list is a sample")
	}
	for _, o := range a.Catalog.Offices() {
		if !o.AcceptsECShip() && strings.Contains(page, `<option value="`+o.Code+`"`) {
			t.Errorf("mobile office %s offered", o.Code)
		}
	}
	// No office: the message is at the select.
	code, _, page = clerk.do("POST", "/counter/sessions?lang=en", url.Values{"office": {""}})
	if code != 400 || !strings.Contains(page, `id="office-error">Choose the office you are at.`) || !strings.Contains(page, `aria-invalid="true"`) {
		t.Errorf("open without an office: %d", code)
	}
	code, loc, _ := clerk.do("POST", "/counter/sessions", url.Values{"office": {"GPO"}, "speedpost_card": {""}})
	if code != 303 || !strings.HasPrefix(loc, "/counter/sessions/cts_") {
		t.Fatalf("open: %d %s", code, loc)
	}
	sessURL := strings.Split(loc, "?")[0]
	_, _, page = clerk.do("GET", loc+"&lang=en", nil)
	if !strings.Contains(page, "Session opened") || !strings.Contains(page, `id="item_no" name="item"`) || !regexp.MustCompile(`id="item_no"[^>]* autofocus`).MatchString(page) {
		t.Error("the new session does not focus the item number field")
	}
	if _, _, page = clerk.do("GET", "/counter?lang=en", nil); !strings.Contains(page, `href="`+sessURL+`"`) || !strings.Contains(page, "Continue your open session at General Post Office") {
		t.Error("the counter page does not offer the open session")
	}

	// Looking a label up changes nothing and shows its data, with the weight focused.
	s := counterParcel(t, a, su, 2500, true)
	heavier := priceAt(t, a, s, 4800)
	if heavier <= s.Total {
		t.Fatalf("4.8 kg costs %v, 2.5 kg %v: the test needs a dearer weight", heavier, s.Total)
	}
	code, _, page = clerk.do("GET", sessURL+"?lang=en&item="+url.QueryEscape(strings.ToLower(s.ItemNo)), nil)
	if code != 200 {
		t.Fatalf("look up: %d", code)
	}
	for _, want := range []string{"陳大文", "李小明", "Kowloon", "2500 g", "HK$" + s.Total.Display(), `name="item_no" value="` + s.ItemNo + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the label's data lacks %q", want)
		}
	}
	if !regexp.MustCompile(`id="weight_g"[^>]* autofocus`).MatchString(page) || regexp.MustCompile(`id="item_no"[^>]* autofocus`).MatchString(page) {
		t.Error("after the look-up the weight should have the focus")
	}
	if got := shipmentByID(t, a, s.ID); got.Status != shipment.Paid {
		t.Errorf("looking up changed the label to %s", got.Status)
	}
	// Refusals sit at the item number, which is left empty for the next scan: a wrong check digit,
	// a cancelled label (CTR-6), an unknown one.
	bad := s.ItemNo[:10] + string('0'+(s.ItemNo[10]-'0'+1)%10) + s.ItemNo[11:]
	cancelled := counterParcel(t, a, su, 500, false)
	if _, err := a.Payments.Cancel(ctx, shipment.Owner{User: su, Mode: account.Live}, cancelled.ID, false); err != nil {
		t.Fatal(err)
	}
	unknown := s10.Format("CA", 99999999, "HK")
	for item, want := range map[string]string{bad: "check digit", cancelled.ItemNo: "was cancelled", unknown: "No label has the item number " + unknown} {
		code, _, page = clerk.do("GET", sessURL+"?lang=en&item="+item, nil)
		m := regexp.MustCompile(`<p class="error" id="item_no-error" role="alert">([^<]*)</p>`).FindStringSubmatch(page)
		if code < 400 || m == nil || !strings.Contains(m[1], want) || !regexp.MustCompile(`id="item_no"[^>]* autofocus`).MatchString(page) ||
			!regexp.MustCompile(`id="item_no"[^>]*aria-invalid="true"`).MatchString(page) || strings.Contains(page, `id="weight_g"`) ||
			!strings.Contains(page, `name="item" class="scan-input" value=""`) {
			t.Errorf("look up %s: %d; want %q at the item number", item, code, want)
		}
	}
	// Weighing without a weight: the message is at the weight, the label still shown.
	code, _, page = clerk.do("POST", sessURL+"/items?lang=en", url.Values{"item_no": {s.ItemNo}, "weight_g": {""}})
	if code != 400 || !strings.Contains(page, `id="weight_g-error" role="alert">Enter the scale`) || !strings.Contains(page, "李小明") {
		t.Errorf("no weight: %d", code)
	}
	// Heavier at the scale: the difference is due (CTR-2, CTR-3).
	code, loc, _ = clerk.do("POST", sessURL+"/items", url.Values{"item_no": {s.ItemNo}, "weight_g": {"4800"}, "insurance": {""}})
	if code != 303 || loc != sessURL+"?scanned="+s.ItemNo {
		t.Fatalf("accept: %d %s", code, loc)
	}
	due := heavier - s.Total
	_, _, page = clerk.do("GET", loc+"&lang=en", nil)
	if !strings.Contains(page, `<p class="notice warn" role="status">`+s.ItemNo+" needs HK$"+due.Display()+" more postage") {
		t.Errorf("no notice of the HK$%s due", due.Display())
	}
	if !strings.Contains(page, `<p class="due-now" id="due-now">HK$`+due.Display()+`</p>`) || !strings.Contains(page, `name="amount" value="`+due.String()+`"`) ||
		!strings.Contains(page, "Awaiting payment") || !strings.Contains(page, "/items/"+s.ItemNo+"/remove") {
		t.Error("the session page lacks what is due, the prefilled amount or the remove button")
	}
	if !regexp.MustCompile(`id="item_no"[^>]* autofocus`).MatchString(page) {
		t.Error("after accepting, the item number field should have the focus again")
	}
	// Closing with money due is refused, and says so.
	if code, _, page = clerk.do("POST", sessURL+"/close?lang=en", url.Values{}); code != 409 || !strings.Contains(page, "is still due for "+s.ItemNo) {
		t.Errorf("close with money due: %d", code)
	}
	// Too much is refused at the amount with a new key; then the cash is taken.
	key := regexp.MustCompile(`name="key" value="(form-[0-9a-f]+)"`).FindStringSubmatch(page)[1]
	code, _, page = clerk.do("POST", sessURL+"/payments?lang=en", url.Values{"method": {"cash"}, "amount": {(due + 100).String()}, "key": {key}})
	if code != 400 || !strings.Contains(page, `id="amount-error" role="alert">That is more than is due`) {
		t.Errorf("over the due: %d", code)
	}
	key = regexp.MustCompile(`name="key" value="(form-[0-9a-f]+)"`).FindStringSubmatch(page)[1]
	pay := url.Values{"method": {"cash"}, "amount": {due.String()}, "key": {key}}
	if code, loc, _ = clerk.do("POST", sessURL+"/payments", pay); code != 303 || loc != sessURL+"?done=paid" {
		t.Fatalf("pay: %d %s", code, loc)
	}
	if code, loc2, _ := clerk.do("POST", sessURL+"/payments", pay); code != 303 || loc2 != loc {
		t.Errorf("the same payment form twice: %d %s", code, loc2)
	}
	_, _, page = clerk.do("GET", loc+"&lang=en", nil)
	if !strings.Contains(page, "Payment taken.") || !strings.Contains(page, `id="due-now">HK$0.00<`) || strings.Contains(page, `action="`+sessURL+`/payments"`) ||
		strings.Count(page, "<td>Cash</td>") != 1 {
		t.Error("after paying: the notice, nothing due, no payment form and one cash payment")
	}
	if got := shipmentByID(t, a, s.ID); got.Status != shipment.Posted || got.WeightG != 4800 || got.PostedOffice != "GPO" {
		t.Errorf("label after paying: %s %d g at %q", got.Status, got.WeightG, got.PostedOffice)
	}
	// Another clerk sees nothing of it; the receipt is not there before closing.
	other := counterUser(t, a, base, "clerk2")
	for _, path := range []string{sessURL, sessURL + "/receipt.pdf"} {
		if code, _, _ := other.do("GET", path, nil); code != 404 {
			t.Errorf("another clerk GET %s: %d; want 404", path, code)
		}
	}
	if code, _, _ := other.do("POST", sessURL+"/close", url.Values{}); code != 404 {
		t.Errorf("another clerk closing: %d; want 404", code)
	}
	if code, _, _ := clerk.do("GET", sessURL+"/receipt.pdf", nil); code != 404 {
		t.Errorf("receipt of an open session: %d; want 404", code)
	}

	// Close: the receipt number, its link and its preview (CTR-5).
	if code, loc, _ = clerk.do("POST", sessURL+"/close", url.Values{}); code != 303 || loc != sessURL+"?done=closed" {
		t.Fatalf("close: %d %s", code, loc)
	}
	_, _, page = clerk.do("GET", loc+"&lang=zh-Hant", nil)
	no := regexp.MustCompile(`<strong id="receipt-no">(GPO-\d{8}-[0-9A-Z]{6})</strong>`).FindStringSubmatch(page)
	if no == nil || !strings.Contains(page, `<object data="`+sessURL+`/receipt.pdf`) || !strings.Contains(page, `href="`+sessURL+`/receipt.pdf"`) ||
		!strings.Contains(page, "已收寄") || !strings.Contains(page, "現金") || strings.Contains(page, `id="item_no"`) {
		t.Fatal("the closed session lacks its receipt number, link or preview, or still takes items")
	}
	if _, _, page = clerk.do("GET", "/counter?lang=en", nil); !strings.Contains(page, no[1]) || strings.Contains(page, "Continue your open session") {
		t.Error("the recent list lacks the receipt, or still offers the closed session")
	}
	code, _, pdf := clerk.do("GET", sessURL+"/receipt.pdf", nil)
	if code != 200 || !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatalf("receipt: %d %q", code, pdf[:min(len(pdf), 20)])
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		path := filepath.Join(t.TempDir(), "receipt.pdf")
		if err := os.WriteFile(path, []byte(pdf), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		if text := string(out); !strings.Contains(text, s.ItemNo) || !strings.Contains(text, no[1]) {
			t.Errorf("the receipt's text lacks the item %s or the number %s:\n%s", s.ItemNo, no[1], text)
		}
	}
	if code, _, _ = clerk.do("POST", sessURL+"/items", url.Values{"item_no": {s.ItemNo}, "weight_g": {"100"}}); code != 409 {
		t.Errorf("scanning into a closed session: %d; want 409", code)
	}
	// An admin may see any session.
	if _, err := a.Accounts.CreateUser(ctx, "ops", "ops@example.hk", "harbour-view-8", account.Admin); err != nil {
		t.Fatal(err)
	}
	admin := newClient(t, base)
	admin.do("POST", "/login", url.Values{"login": {"ops"}, "password": {"harbour-view-8"}})
	if code, _, page := admin.do("GET", sessURL+"?lang=en", nil); code != 200 || !strings.Contains(page, no[1]) || !strings.Contains(page, `href="/counter"`) {
		t.Errorf("an admin on the session: %d", code)
	}
	// Admins see every open session at every office (a label held by a forgotten session is found
	// there); the clerk's own page does not list others'.
	clerk2 := testenv.User(t, a.Accounts, "tstclerk", "tst@example.hk", account.Counter)
	open, err := a.Counter.Open(ctx, counter.Clerk{User: clerk2, Mode: account.Live}, "TST", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, page := admin.do("GET", "/counter?lang=en", nil); !strings.Contains(page, `data-open-session="`+open.ID+`"`) || !strings.Contains(page, "tstclerk") ||
		strings.Contains(page, `data-open-session="`+sessID(sessURL)+`"`) {
		t.Error("the admin's counter page lacks the open session, or lists a closed one")
	}
	if _, _, page := clerk.do("GET", "/counter?lang=en", nil); strings.Contains(page, open.ID) {
		t.Error("a clerk sees another clerk's session")
	}
}

func sessID(sessURL string) string { return sessURL[strings.LastIndex(sessURL, "/")+1:] }

// An item lighter than its label is posted at once and the overpayment becomes refundable; an
// unpaid one waits and can be removed.
//
// rule: CTR-4
func TestPortalCounterLighterAndRemove(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	signedIn(t, base, a.Accounts, "shop2")
	su := userByLogin(t, a, "shop2")
	clerk := counterUser(t, a, base, "clerk3")
	_, loc, _ := clerk.do("POST", "/counter/sessions", url.Values{"office": {"GPO"}})
	sessURL := strings.Split(loc, "?")[0]

	s := counterParcel(t, a, su, 4800, true)
	lighter := priceAt(t, a, s, 1000)
	if lighter >= s.Total {
		t.Fatalf("1 kg costs %v, 4.8 kg %v: the test needs a cheaper weight", lighter, s.Total)
	}
	code, loc, _ := clerk.do("POST", sessURL+"/items", url.Values{"item_no": {s.ItemNo}, "weight_g": {"1000"}})
	if code != 303 {
		t.Fatalf("accept: %d", code)
	}
	_, _, page := clerk.do("GET", loc+"&lang=zh-Hans", nil)
	if !strings.Contains(page, "多付的港币 "+(s.Total-lighter).Display()+" 元") || !strings.Contains(page, "已收寄") {
		t.Error("no notice of the refundable overpayment in Simplified Chinese")
	}
	// An unpaid label: the whole postage is due; the customer takes it back.
	u := counterParcel(t, a, su, 500, false)
	_, _, page = clerk.do("GET", sessURL+"?lang=en&item="+u.ItemNo, nil)
	if !strings.Contains(page, "Not paid: the full postage is due here.") {
		t.Error("the unpaid label does not say so")
	}
	clerk.do("POST", sessURL+"/items", url.Values{"item_no": {u.ItemNo}, "weight_g": {"500"}})
	if code, loc, _ = clerk.do("POST", sessURL+"/items/"+u.ItemNo+"/remove", url.Values{}); code != 303 || loc != sessURL+"?done=removed" {
		t.Fatalf("remove: %d %s", code, loc)
	}
	_, _, page = clerk.do("GET", loc+"&lang=en", nil)
	if !strings.Contains(page, "Item removed.") || strings.Contains(page, `data-item="`+u.ItemNo+`"`) || !strings.Contains(page, `data-item="`+s.ItemNo+`"`) {
		t.Error("the removed item is still listed, or the posted one is gone")
	}
	// A posted item cannot be removed.
	if code, _, page = clerk.do("POST", sessURL+"/items/"+s.ItemNo+"/remove?lang=en", url.Values{}); code != 409 || !strings.Contains(page, "is accepted already") {
		t.Errorf("removing a posted item: %d", code)
	}
}

// liveClerk is a member of staff at a live counter.
func liveClerk(u *account.User) counter.Clerk { return counter.Clerk{User: u, Mode: account.Live} }

// The operations report on /admin: items accepted at each office by Hong Kong day, the card
// settlements by day, and the refund applications to vet and to pay. On both databases (each
// works out the Hong Kong day its own way).
func TestPortalOperationsReport(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a, base := start(t, dsn, nil)
			ctx := context.Background()
			admin := signedInAs(t, base, a.Accounts, "opsadmin", account.Admin)
			sender := testenv.User(t, a.Accounts, "opssender", "opssender@example.hk", account.Sender)
			clerkUser := testenv.User(t, a.Accounts, "opsclerk", "opsclerk@example.hk", account.Counter)
			posted, refunded := counterParcel(t, a, sender, 500, true), counterParcel(t, a, sender, 700, true)
			clerk := counter.Clerk{User: clerkUser, Mode: account.Live}
			sess, err := a.Counter.Open(ctx, clerk, "GPO", "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Counter.Scan(ctx, clerk, sess.ID, counter.ScanInput{ItemNo: posted.ItemNo, WeightG: 500}); err != nil {
				t.Fatal(err)
			}
			if _, _, _, err := a.Payments.Settle(ctx, time.Now().Add(48*time.Hour)); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Payments.Cancel(ctx, shipment.Owner{User: sender, Mode: account.Live}, refunded.ID, true); err != nil {
				t.Fatal(err)
			}
			today := time.Now().In(catalog.HongKong).Format(time.DateOnly)
			settledDay := today // the settlement books its capture when it runs
			_, _, page := admin.do("GET", "/admin?lang=en", nil)
			for _, want := range []string{"<strong>1</strong> refund applications to vet (HK$" + refunded.Total.Display() + ")",
				`<th scope="row">` + today + `</th><td>GPO</td><td class="num">1</td>`,
				`<th scope="row">` + settledDay + `</th><td class="num">2</td><td class="num">HK$` + (posted.Total + refunded.Total).Display() + `</td>`} {
				if !strings.Contains(page, want) {
					t.Errorf("the operations report lacks %s", want)
				}
			}
			if code, _, _ := signedIn(t, base, a.Accounts, "nosy").do("GET", "/admin", nil); code != 403 {
				t.Errorf("a sender reads the operations report: %d", code)
			}
		})
	}
}
