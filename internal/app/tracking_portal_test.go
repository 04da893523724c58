package app_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/app"
	"github.com/ecship/ecship/internal/counter"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/s10"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/tracking"
)

// trackedToJapan prepares a Speedpost item to Tokyo for sender, pays it, has it accepted at the
// General Post Office and records its journey: it left Hong Kong an hour later and arrived in Japan
// five hours later. It answers the label and the arrival's time.
func trackedToJapan(t testing.TB, a *app.App, sender *account.User, ref string) (*shipment.Shipment, time.Time) {
	t.Helper()
	ctx := context.Background()
	o := shipment.Owner{User: sender, Mode: account.Live}
	s := &shipment.Shipment{Service: "EMS", Reference: ref, WeightG: 800,
		Sender: shipment.Address{Name: "陳大文", Company: "大文網店", Lines: []string{"Flat A, 12/F, 8 Nathan Road"}, City: "Kowloon", Country: "HK", Phone: "85291234567"},
		Contents: &shipment.Contents{Category: "sale", Items: []shipment.Article{{Description: "Silk scarf", Quantity: 2, WeightG: 300,
			Value: money.MustParse("380.00"), Currency: "HKD", HSCode: "621410", Origin: "HK"}}},
		Recipient: shipment.Address{Name: "山田 太郎", Lines: []string{"丸の内一丁目 1-1"}, City: "千代田区", State: "東京都", PostalCode: "100-0005", Country: "JP"}}
	if err := a.Shipments.Create(ctx, o, []*shipment.Shipment{s}, false); err != nil {
		t.Fatal(err)
	}
	card := payment.Card{Number: "4111111111111111", ExpMonth: 12, ExpYear: time.Now().Year() + 2, CVC: "123"}
	if _, err := a.Payments.PayByCard(ctx, o, []string{s.ID}, card, ""); err != nil {
		t.Fatal(err)
	}
	login := "clerk" + strings.ToLower(strings.ReplaceAll(ref, "-", ""))
	clerk, err := a.Accounts.CreateUser(ctx, login, login+"@example.hk", "harbour-view-8", account.Counter)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := a.Counter.Open(ctx, counter.Clerk{User: clerk, Mode: account.Live}, "GPO", "")
	if err == nil {
		_, err = a.Counter.Scan(ctx, liveClerk(clerk), sess.ID, counter.ScanInput{ItemNo: s.ItemNo, WeightG: 800})
	}
	if err != nil {
		t.Fatal(err)
	}
	arrived := a.Now().Add(5 * time.Hour).Truncate(time.Second)
	record(t, a,
		tracking.Input{ItemNo: s.ItemNo, Code: "EMC", Country: "HK", Time: a.Now().Add(time.Hour).Format(time.RFC3339)},
		tracking.Input{ItemNo: s.ItemNo, Code: "EMD", Country: "JP", TimeZone: "Asia/Tokyo", Time: arrived.Format(time.RFC3339)})
	return s, arrived
}

// record checks and records events as operations would.
func record(t testing.TB, a *app.App, in ...tracking.Input) {
	t.Helper()
	var events []tracking.Event
	for _, x := range in {
		e, fe := a.Tracking.Check(x, tracking.FromImport)
		if len(fe) > 0 {
			t.Fatal(fe.Err())
		}
		events = append(events, e)
	}
	if _, err := a.Tracking.Record(context.Background(), events); err != nil {
		t.Fatal(err)
	}
}

// zhTime is how the Chinese pages write an event's local time: the portal's date with the year.
func zhTime(l i18n.Lang, t time.Time) string {
	return fmt.Sprintf("%d年%s %s", t.Year(), i18n.Date(l, t), t.Format("15:04"))
}

// Anyone tracks items on /track in three languages and sees each item's milestone, journey and
// events at the local time of their place, and nothing of who sent it to whom; the sender's label
// page shows the same history with where and when it was posted.
func TestPortalTracking(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a, base := start(t, dsn, nil)
			ctx := context.Background()
			sender := signedIn(t, base, a.Accounts, "tokyoshop")
			su := userByLogin(t, a, "tokyoshop")
			s, arrived := trackedToJapan(t, a, su, "SECRET-REF-7")
			tokyo, err := time.LoadLocation("Asia/Tokyo")
			if err != nil {
				t.Fatal(err)
			}
			local := arrived.In(tokyo)
			visitor := newClient(t, base)

			bad := s.ItemNo[:10] + string('0'+(s.ItemNo[10]-'0'+1)%10) + s.ItemNo[11:]
			typed := strings.ToLower(s.ItemNo) + ",\n" + bad
			for _, c := range []struct {
				lang                              string
				milestone, left, arrivedAt, zone  string
				office, country, posted, badDigit string
			}{
				{"en", "Arrived at the destination", "Left Hong Kong for the destination", local.Format("2 Jan 2006 15:04"), "(Tokyo time, UTC+9)",
					"General Post Office", "Japan", "Posted at General Post Office on", "its check digit is wrong"},
				{"zh-Hant", "已抵達目的地", "已離開香港寄往目的地", zhTime(i18n.TraditionalChinese, local), "（日本時間，UTC+9）",
					"郵政總局", "日本", "於郵政總局投寄", "核對數字不正確"},
				{"zh-Hans", "已抵达目的地", "已离开香港寄往目的地", zhTime(i18n.SimplifiedChinese, local), "（日本时间，UTC+9）",
					"邮政总局", "日本", "于邮政总局投寄", "核对数字不正确"},
			} {
				code, _, page := visitor.do("GET", "/track?lang="+c.lang+"&items="+url.QueryEscape(typed), nil)
				page = html.UnescapeString(page)
				if code != 200 { // a bad number is an answer about that item
					t.Errorf("%s: %d", c.lang, code)
				}
				for _, want := range []string{`<strong>` + c.milestone + `</strong>`, c.left, c.arrivedAt, c.zone,
					`datetime="` + local.Format(time.RFC3339) + `"`, c.office, c.country, c.posted, `<code>` + s.ItemNo + `</code>`,
					`aria-current="step">` + c.milestone, `<ol class="events" reversed`, `href="/track" aria-current="page"`,
					`id="item-2-error">`, `aria-describedby="items-hint item-2-error"`, `aria-invalid="true"`, `<code>` + bad + `</code>`, c.badDigit} {
					if !strings.Contains(page, want) {
						t.Errorf("%s: the page lacks %q", c.lang, want)
					}
				}
				// Newest first: arrival, leaving, posting.
				if !regexp.MustCompile(`(?s)` + regexp.QuoteMeta(c.country) + `.*` + regexp.QuoteMeta(c.left) + `.*` + regexp.QuoteMeta(c.office)).MatchString(page[strings.Index(page, `<ol class="events"`):]) {
					t.Errorf("%s: events not newest first", c.lang)
				}
				for _, secret := range []string{"山田", "丸の内", "SECRET-REF-7", "陳大文", "大文網店", "Nathan Road", "HK$", "Silk scarf"} {
					if strings.Contains(page, secret) {
						t.Errorf("%s: the public page shows %q", c.lang, secret)
					}
				}
				if !strings.Contains(page, `>`+typed+`</textarea>`) {
					t.Errorf("%s: the typed numbers are not kept", c.lang)
				}
			}

			// More than 30 numbers: the limit is named, nothing is looked up.
			var many []string
			for i := range 31 {
				many = append(many, s10.Format("EE", 10000000+i, "HK"))
			}
			code, _, page := visitor.do("GET", "/track?lang=en&items="+url.QueryEscape(strings.Join(many, " ")), nil)
			if code != 400 || !strings.Contains(page, `id="items-error" role="alert">You can track up to 30 items at a time; you entered 31.`) ||
				!strings.Contains(page, `aria-describedby="items-hint items-error"`) || strings.Contains(page, `class="card track-item`) {
				t.Errorf("31 items: %d", code)
			}
			if code, _, page = visitor.do("GET", "/track?lang=zh-Hant&items=+", nil); code != 400 || !strings.Contains(page, "請輸入最少一個郵件編號") {
				t.Errorf("no items: %d", code)
			}
			if code, _, page = visitor.do("GET", "/track?lang=en", nil); code != 200 || !strings.Contains(page, `<label for="items">Item numbers</label>`) ||
				strings.Contains(page, "aria-invalid") {
				t.Errorf("the empty form: %d", code)
			}

			// Unknown, not yet posted and test-mode items have no news for the public.
			unknown := s10.Format("CA", 99999999, "HK")
			ready := counterParcel(t, a, su, 500, false)
			tester, err := a.Accounts.CreateUser(ctx, "tester", "tester@example.hk", "harbour-view-8", account.Sender)
			if err != nil {
				t.Fatal(err)
			}
			sandbox := &shipment.Shipment{Service: "LPL", Reference: "SANDBOX-1", WeightG: 500,
				Sender:    shipment.Address{Name: "Test Sender", Lines: []string{"1 Test Road"}, City: "Kowloon", Country: "HK", Phone: "85291234567"},
				Recipient: shipment.Address{Name: "Test Recipient", Lines: []string{"2 Test Road"}, City: "Central", Country: "HK"}}
			if err := a.Shipments.Create(ctx, shipment.Owner{User: tester, Mode: account.Test}, []*shipment.Shipment{sandbox}, false); err != nil {
				t.Fatal(err)
			}
			record(t, a, tracking.Input{ItemNo: sandbox.ItemNo, Code: "EMA", Office: "TST", Time: a.Now().Format(time.RFC3339)})
			code, _, page = visitor.do("GET", "/track?lang=en&items="+url.QueryEscape(unknown+" "+ready.ItemNo+" "+sandbox.ItemNo), nil)
			if code != 200 || strings.Count(page, "No information for this item yet") != 3 || strings.Contains(page, "Test Sender") ||
				strings.Contains(page, "Tsim Sha Tsui") {
				t.Errorf("unknown, unposted and test items: %d, %d without news", code, strings.Count(page, "No information for this item yet"))
			}

			// The sender's label page: the same history and where it was posted.
			for lang, wants := range map[string][]string{
				"en":      {"Tracking", "Posted at General Post Office on", "<strong>Arrived at the destination</strong>", "(Tokyo time, UTC+9)", `datetime="` + local.Format(time.RFC3339) + `"`},
				"zh-Hant": {"郵件追蹤", "於郵政總局投寄", "<strong>已抵達目的地</strong>", "（日本時間，UTC+9）"},
			} {
				code, _, page = sender.do("GET", "/labels/"+s.ID+"?lang="+lang, nil)
				page = html.UnescapeString(page)
				for _, want := range wants {
					if code != 200 || !strings.Contains(page, want) {
						t.Errorf("label page in %s: %d, lacks %q", lang, code, want)
					}
				}
			}
			if _, _, page = sender.do("GET", "/labels/"+ready.ID+"?lang=en", nil); strings.Contains(page, `class="timeline"`) {
				t.Error("an unposted label shows a tracking history")
			}
		})
	}
}
