package soap_test

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/soap"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", name, got)
	}
}

// rule: TRK-1, TRK-2, TRK-3, TRK-8, TRK-9
func TestEachItemGetsItsOwnStatus(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, monday)
		badCheck := e.delivered[:10] + string(rune('0'+(e.delivered[10]-'0'+1)%10)) + "HK"
		spaced := strings.ToLower(e.delivered[:2] + " " + e.delivered[2:7] + " " + e.delivered[7:])
		asked := []string{e.delivered, e.posted, e.old, e.testItem, e.rivalItem, e.eventsOnly, e.unknown, badCheck, "RB12345", spaced, e.unposted}
		r := e.do(t, e.m, call{cred: e.live, items: asked})
		if r.Status != 0 || r.ErrMsg != "" || r.ItemCount != len(asked) {
			t.Fatalf("status %d %q, %d items; want 0 and %d items", r.Status, r.ErrMsg, r.ItemCount, len(asked))
		}
		want := []int{0, 0, 1003, 1004, 1004, 1004, 1001, 1002, 1002, 0, 0}
		if got := statuses(r); !slices.Equal(got, want) {
			t.Fatalf("item statuses %v; want %v", got, want)
		}
		wantMsg := map[int]string{1001: "Item number does not exist", 1002: "Invalid item number format", 1003: "Tracking period has been expired", 1004: "Item number not allowed to enquire"}
		for i, res := range r.Results {
			if res.ErrMsg != wantMsg[res.Status] {
				t.Errorf("item %d: errMsg %q for %d", i, res.ErrMsg, res.Status)
			}
			if res.Status != 0 && (res.PostingDateTime != "" || res.MilestoneE != "" || res.DestCode != "" || len(res.Events) > 0) {
				t.Errorf("refused item %s tells its details: %+v", res.ItemNo, res)
			}
		}
		// Spaces and lower case are read and answered in the canonical form; a bad number is echoed.
		if r.Results[9].ItemNo != e.delivered || r.Results[7].ItemNo != badCheck || r.Results[8].ItemNo != "RB12345" {
			t.Errorf("item numbers echoed %q %q %q", r.Results[9].ItemNo, r.Results[7].ItemNo, r.Results[8].ItemNo)
		}
		d := r.Results[0]
		if d.PostingDateTime != "20-11-2026 10:00" || d.DropOffE != "General Post Office" || d.DropOffC != "郵政總局" || d.DropOffS != "邮政总局" {
			t.Errorf("posting %q at %q/%q/%q", d.PostingDateTime, d.DropOffE, d.DropOffC, d.DropOffS)
		}
		if d.OrgCode != "HK" || d.OrgE != "HONG KONG" || d.OrgC != "香港" || d.OrgS != "香港" || d.DestCode != "JP" || d.DestE != "JAPAN" || d.DestC != "日本" {
			t.Errorf("countries %+v", d)
		}
		if d.MilestoneE != "Delivered" || d.MilestoneC != "已成功派遞" || d.MilestoneS == "" {
			t.Errorf("milestone %q %q %q", d.MilestoneE, d.MilestoneC, d.MilestoneS)
		}
		var times []string
		for _, ev := range d.Events {
			times = append(times, ev.DateTime+" "+ev.LocationCode)
		}
		// Hong Kong events in Hong Kong time, Japanese ones in Tokyo time (an hour ahead).
		wantTimes := []string{"20-11-2026 10:00 HK", "20-11-2026 12:00 HK", "20-11-2026 22:00 HK", "21-11-2026 09:00 JP", "22-11-2026 09:00 JP", "22-11-2026 11:05 JP"}
		if !slices.Equal(times, wantTimes) {
			t.Errorf("events %v; want %v", times, wantTimes)
		}
		last := d.Events[len(d.Events)-1]
		if last.LocationE != "JAPAN" || last.LocationC != "日本" || last.MsgE != "Delivered" || last.MsgC != "已成功派遞" || last.MsgS == "" {
			t.Errorf("last event %+v", last)
		}
		if p := r.Results[1]; p.MilestoneE != "Posted" || p.DestE != "UNITED KINGDOM" || p.DropOffE != "Tsim Sha Tsui Post Office" || len(p.Events) != 1 {
			t.Errorf("posted item %+v", p)
		}
		// A paid label not yet posted is the caller's: nothing to show yet, but not an error.
		if u := r.Results[10]; u.PostingDateTime != "" || len(u.Events) != 0 || u.DestCode != "JP" {
			t.Errorf("unposted label %+v", u)
		}

		w := post(t, e.m, call{cred: e.live, items: []string{e.delivered, e.unknown}}.xml(e.c.Now()), "")
		golden(t, "getItemDeliveryStatusResponse.xml", w.Body.Bytes())
	})
}

// rule: TRK-9
func TestTrackingPeriodIsSixMonthsFromPosting(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, monday)
		// Posted on 23 April (seven months before): on 23 October, six months on to the minute, it
		// can still be tracked; a minute later it cannot.
		posted := monday.AddDate(0, -7, 0)
		e.c.Set(posted.AddDate(0, 6, 0))
		if r := e.do(t, e.m, call{cred: e.live, items: []string{e.old}}); statuses(r)[0] != 0 {
			t.Errorf("six months after posting: %v; want 0", statuses(r))
		}
		e.c.Add(time.Minute)
		if r := e.do(t, e.m, call{cred: e.live, items: []string{e.old}}); statuses(r)[0] != 1003 {
			t.Errorf("six months and a minute after posting: %v; want 1003", statuses(r))
		}
	})
}

// rule: TRK-10
func TestTestAndLiveCredentialsSeeOnlyTheirOwnData(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, monday)
		r := e.do(t, e.m, call{cred: e.test, items: []string{e.testItem, e.delivered}})
		if got := statuses(r); !slices.Equal(got, []int{0, 1004}) {
			t.Errorf("test credential: %v; want its test item 0 and the live item 1004", got)
		}
		if r.Results[0].DestE != "UNITED STATES OF AMERICA" {
			t.Errorf("test item %+v", r.Results[0])
		}
		r = e.do(t, e.m, call{cred: e.live, items: []string{e.testItem, e.delivered}})
		if got := statuses(r); !slices.Equal(got, []int{1004, 0}) {
			t.Errorf("live credential: %v; want 1004 and 0", got)
		}
	})
}

// rule: TRK-11
func TestLanguages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, monday)
		for _, c := range []struct {
			lang    string
			e, c, s bool
		}{{"A", true, true, true}, {"E", true, false, false}, {"C", false, true, false}, {"S", false, false, true}, {" s ", false, false, true}, {"e", true, false, false}} {
			r := e.do(t, e.m, call{cred: e.live, lang: c.lang, items: []string{e.delivered}})
			if r.Status != 0 {
				t.Fatalf("lang %q: status %d", c.lang, r.Status)
			}
			d := r.Results[0]
			ev := d.Events[0]
			check := func(field string, got string, want bool) {
				if (got != "") != want {
					t.Errorf("lang %q: %s = %q; want it filled: %v", c.lang, field, got, want)
				}
			}
			for _, f := range []struct {
				name    string
				e, c, s string
			}{{"dropOffPoint", d.DropOffE, d.DropOffC, d.DropOffS}, {"orgCnty", d.OrgE, d.OrgC, d.OrgS}, {"destCnty", d.DestE, d.DestC, d.DestS},
				{"milestone", d.MilestoneE, d.MilestoneC, d.MilestoneS}, {"eventLocation", ev.LocationE, ev.LocationC, ev.LocationS}, {"eventMsg", ev.MsgE, ev.MsgC, ev.MsgS}} {
				check(f.name+"_e", f.e, c.e)
				check(f.name+"_c", f.c, c.c)
				check(f.name+"_s", f.s, c.s)
			}
			// Codes and times are not language: always there.
			if d.OrgCode != "HK" || d.DestCode != "JP" || d.PostingDateTime == "" || ev.LocationCode != "HK" || ev.DateTime == "" {
				t.Errorf("lang %q: codes or times missing: %+v", c.lang, d)
			}
		}
		// The empty elements are there, empty, not left out.
		w := post(t, e.m, call{cred: e.live, lang: "E", items: []string{e.delivered}}.xml(e.c.Now()), "")
		if !strings.Contains(w.Body.String(), "<milestone_e>Delivered</milestone_e><milestone_c/><milestone_s/>") {
			t.Errorf("lang E: Chinese elements not sent empty: %s", w.Body.String())
		}
		for _, bad := range []string{"X", "EN", "AE", "0"} {
			if r := e.do(t, e.m, call{cred: e.live, lang: bad, items: []string{e.delivered}}); r.Status != 9996 || r.ErrMsg != "Invalid language" || r.ItemCount != 0 {
				t.Errorf("lang %q: %+v; want 9996", bad, r)
			}
		}
		if r := e.do(t, e.m, call{cred: e.live, noLang: true, items: []string{e.delivered}}); r.Status != 9996 {
			t.Errorf("no lang: %d; want 9996", r.Status)
		}
	})
}

// rule: TRK-1, TRK-3
func TestItemArray(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, monday)
		thirty := make([]string, 30)
		for i := range thirty {
			thirty[i] = e.delivered
		}
		cases := []struct {
			name   string
			items  []string
			status int
			count  int
		}{
			{"none", nil, 9997, 0},
			{"blank", []string{"", "  "}, 9997, 0},
			{"one blank among numbers", []string{e.delivered, ""}, 0, 2},
			{"thirty, all the same", thirty, 0, 30},
			{"thirty-one", append(slices.Clone(thirty), e.posted), 9995, 0},
			{"duplicates", []string{e.posted, e.unknown, e.posted}, 0, 3},
		}
		for _, c := range cases {
			r := e.do(t, e.m, call{cred: e.live, items: c.items})
			if r.Status != c.status || r.ItemCount != c.count {
				t.Errorf("%s: status %d with %d items; want %d with %d", c.name, r.Status, r.ItemCount, c.status, c.count)
			}
		}
		r := e.do(t, e.m, call{cred: e.live, items: []string{e.posted, e.unknown, e.posted}})
		if got := statuses(r); !slices.Equal(got, []int{0, 1001, 0}) || r.Results[2].MilestoneE != "Posted" {
			t.Errorf("duplicates: %v", got)
		}
	})
}

// Clients qualify the body's elements every way: unprefixed, default namespace, another prefix,
// another namespace, an array wrapper.
func TestLenientOnNamespacesAndWrappers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, monday)
		header := func() string { // a fresh digest each time: a nonce is accepted once
			full := call{cred: e.live}.xml(e.c.Now())
			return full[strings.Index(full, "<soapenv:Header>"):strings.Index(full, "<soapenv:Body>")]
		}
		bodies := map[string]string{
			"unqualified": `<getItemDeliveryStatus><integratorUsername>shopapi</integratorUsername><lang>E</lang><itemNo>%s</itemNo></getItemDeliveryStatus>`,
			"default ns":  `<getItemDeliveryStatus xmlns="http://webservice.mailtrack.hkpost.com"><integratorUsername>shopapi</integratorUsername><lang>E</lang><itemNo>%s</itemNo></getItemDeliveryStatus>`,
			"web and obj": `<web:getItemDeliveryStatus xmlns:web="http://webservice.integrator.hkpost.com" xmlns:obj="http://object.integrator.hkpost.com"><web:req><obj:integratorUsername>shopapi</obj:integratorUsername><obj:lang>E</obj:lang><obj:itemNo>%s</obj:itemNo></web:req></web:getItemDeliveryStatus>`,
			"item array":  `<ns1:getItemDeliveryStatus xmlns:ns1="urn:x"><integratorUsername>shopapi</integratorUsername><lang>E</lang><itemNoArray><item>%s</item></itemNoArray></ns1:getItemDeliveryStatus>`,
		}
		for name, body := range bodies {
			for _, envNS := range []string{"http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope"} {
				doc := `<soapenv:Envelope xmlns:soapenv="` + envNS + `">` + header() + `<soapenv:Body>` + fmt.Sprintf(body, e.delivered) + `</soapenv:Body></soapenv:Envelope>`
				r := decode(t, post(t, e.m, doc, ""))
				if r.Status != 0 || r.ItemCount != 1 || r.Results[0].Status != 0 || r.Results[0].MilestoneE != "Delivered" {
					t.Errorf("%s in %s: %+v", name, envNS, r)
				}
			}
		}
	})
}

// rule: TRK-4, TRK-3
func TestCredentials(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, monday)
		e.m.CredentialTTL = -1 // look the credential up every time: revocation shows at once
		now := e.c.Now()
		nonce := []byte("0123456789abcdef")
		cases := []struct {
			name   string
			c      call
			status int
		}{
			{"digest", call{cred: e.live}, 0},
			{"text, from a credential that does not allow it", call{cred: e.live, text: true}, 9992},
			{"text, allowed, but over plain http", call{cred: e.plain, text: true}, 9992},
			{"digest, Created local time marked Z (12-hour clock)", call{cred: e.live, created: now.In(time.FixedZone("HKT", 8*3600)).Format("2006-01-02T03:04:05Z")}, 0},
			{"digest, Created with milliseconds and offset", call{cred: e.live, created: now.Add(-3 * time.Hour).Format("2006-01-02T15:04:05.000-07:00")}, 0},
			{"digest, Created 8 hours ago", call{cred: e.live, created: now.Add(-8 * time.Hour).UTC().Format(time.RFC3339)}, 0},
			{"digest, Created 8 hours ahead (local time marked Z)", call{cred: e.live, created: now.Add(8 * time.Hour).UTC().Format(time.RFC3339)}, 0},
			{"digest, Created 8 hours 10 minutes ago", call{cred: e.live, created: now.Add(-8*time.Hour - 10*time.Minute).UTC().Format(time.RFC3339)}, 9992},
			{"digest, Created 8 hours 10 minutes ahead", call{cred: e.live, created: now.Add(8*time.Hour + 10*time.Minute).UTC().Format(time.RFC3339)}, 9992},
			{"digest, Created unreadable", call{cred: e.live, created: "yesterday"}, 9992},
			{"digest, wrong password", call{cred: e.live, password: "Secret-wrong"}, 9992},
			{"text, wrong password", call{cred: e.live, text: true, password: "Secret-wrong"}, 9992},
			{"text, digest of the password sent as text", call{cred: e.live, text: true, password: digest(nonce, "x", e.live.Password)}, 9992},
			{"no token", call{cred: e.live, noToken: true}, 9992},
			{"token of another user", call{cred: e.live, tokenUser: "rivalapi"}, 9992},
			{"another credential's password", call{cred: e.live, password: e.test.Password}, 9992},
			{"username nobody has", call{cred: account.Integrator{Username: "nobody", Password: "Secret-nobody"}}, 9992},
			{"username case differs", call{cred: account.Integrator{Username: "SHOPAPI", Password: e.live.Password}}, 9992},
			{"integratorUsername missing", call{cred: e.live, user: " "}, 9998},
			{"integratorUsername of 21 characters", call{cred: e.live, user: strings.Repeat("a", 21)}, 9998},
		}
		for _, c := range cases {
			c.c.items = []string{e.delivered}
			r := e.do(t, e.m, c.c)
			if r.Status != c.status {
				t.Errorf("%s: status %d %q; want %d", c.name, r.Status, r.ErrMsg, c.status)
			}
			if c.status == 9992 && (r.ErrMsg != "Invalid credential" || r.ItemCount != 0) {
				t.Errorf("%s: %+v", c.name, r)
			}
		}
		// Over https, a credential that allows it may send its password in clear.
		if r := e.do(t, e.secure(), call{cred: e.plain, text: true, items: []string{e.delivered}}); r.Status != 0 {
			t.Errorf("text over https, allowed: %d", r.Status)
		}
		if r := e.do(t, e.secure(), call{cred: e.live, text: true, items: []string{e.delivered}}); r.Status != 9992 {
			t.Errorf("text over https, not allowed: %d; want 9992", r.Status)
		}
		// A digest once accepted cannot be sent again.
		body := call{cred: e.live, nonce: nonce, items: []string{e.delivered}}.xml(now)
		if r := decode(t, post(t, e.m, body, "")); r.Status != 0 {
			t.Fatalf("first use of a nonce: %d", r.Status)
		}
		if r := decode(t, post(t, e.m, body, "")); r.Status != 9992 {
			t.Errorf("the same digest again: %d; want 9992", r.Status)
		}
		// A revoked credential is refused.
		if err := e.acc.RevokeIntegrator(ctx, e.shop, e.live.ID, account.Client{}); err != nil {
			t.Fatal(err)
		}
		if r := e.do(t, e.m, call{cred: e.live, items: []string{e.delivered}}); r.Status != 9992 {
			t.Errorf("revoked credential: %d; want 9992", r.Status)
		}
	})
}

// A credential looked up is reused for a while, then looked up again.
func TestCredentialsAreCachedBriefly(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, monday)
		if r := e.do(t, e.m, call{cred: e.live, items: []string{e.delivered}}); r.Status != 0 {
			t.Fatal(r.Status)
		}
		if err := e.acc.RevokeIntegrator(ctx, e.shop, e.live.ID, account.Client{}); err != nil {
			t.Fatal(err)
		}
		e.c.Add(soap.DefaultCredentialTTL - time.Second)
		if r := e.do(t, e.m, call{cred: e.live, items: []string{e.delivered}}); r.Status != 0 {
			t.Errorf("within the cache's time: %d", r.Status)
		}
		e.c.Add(2 * time.Second)
		if r := e.do(t, e.m, call{cred: e.live, items: []string{e.delivered}}); r.Status != 9992 {
			t.Errorf("after the cache's time a revoked credential: %d; want 9992", r.Status)
		}
	})
}

// rule: TRK-5
func TestOnlyAuthorisedAddresses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, monday)
		body := func() string { return call{cred: e.test, items: []string{e.testItem}}.xml(e.c.Now()) }
		for _, c := range []struct {
			remote string
			xff    string
			status int
		}{
			{"192.0.2.1:5000", "", 0},
			{"[::1]:5000", "", 0},
			{"192.0.2.2:5000", "", 9992},          // the test credential allows 192.0.2.1 alone
			{"198.51.100.7:5000", "", 9992},       // elsewhere
			{"192.0.2.9:5000", "192.0.2.1", 9992}, // X-Forwarded-For from a peer not trusted: ignored
			{"10.0.0.5:5000", "192.0.2.1", 0},     // from the trusted proxy: believed
			{"10.0.0.5:5000", "198.51.100.7", 9992},
		} {
			e.m = &soap.MailTrack{Integrators: e.acc, Tracking: e.trk, Catalog: e.cat, Usage: st, Now: e.c.Now, TrustedProxies: []netip.Prefix{mustPrefix(t, "10.0.0.0/8")}, Guard: soap.Guard{Nonces: st}}
			r := httptest.NewRequest(http.MethodPost, soap.MailTrackPath, strings.NewReader(body()))
			r.RemoteAddr = c.remote
			if c.xff != "" {
				r.Header.Set("X-Forwarded-For", c.xff)
			}
			w := httptest.NewRecorder()
			e.m.ServeHTTP(w, r)
			if got := decode(t, w); got.Status != c.status {
				t.Errorf("from %s (X-Forwarded-For %q): %d; want %d", c.remote, c.xff, got.Status, c.status)
			}
		}
	})
}

// rule: TRK-7
func TestLeastIntervalBetweenRequests(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, monday)
		e.m.MinInterval = 100 * time.Millisecond
		ask := func() int { return e.do(t, e.m, call{cred: e.live, items: []string{e.delivered}}).Status }
		if got := ask(); got != 0 {
			t.Fatalf("first request: %d", got)
		}
		e.c.Add(99 * time.Millisecond)
		if got := ask(); got != 9991 {
			t.Errorf("99 ms later: %d; want 9991", got)
		}
		// Refused requests do not restart the interval: it runs from the last accepted one.
		e.c.Add(time.Millisecond)
		if got := ask(); got != 0 {
			t.Errorf("100 ms after the first: %d; want 0", got)
		}
		// Each credential has its own interval.
		if got := e.do(t, e.m, call{cred: e.test, items: []string{e.testItem}}).Status; got != 0 {
			t.Errorf("another credential at the same moment: %d; want 0", got)
		}
		if r := e.do(t, e.m, call{cred: e.live, items: []string{e.delivered}}); r.Status != 9991 || r.ErrMsg != "Exceed API request frequency" {
			t.Errorf("at once again: %+v", r)
		}
	})
}

// rule: TRK-6
func TestDailyLimit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, monday)
		e.m.DailyLimit = 2
		ask := func(c account.Integrator) int { return e.do(t, e.m, call{cred: c, items: []string{e.unknown}}).Status }
		// 23:59 in Hong Kong (15:59 UTC): the Hong Kong day ends a minute later.
		e.c.Set(time.Date(2026, 11, 23, 15, 59, 0, 0, time.UTC))
		var got []int
		for range 3 {
			got = append(got, ask(e.live))
			e.c.Add(time.Second)
		}
		if !slices.Equal(got, []int{0, 0, 9994}) {
			t.Errorf("three requests with a limit of two: %v; want 0 0 9994", got)
		}
		if got := ask(e.test); got != 0 {
			t.Errorf("another credential: %d; want its own count", got)
		}
		e.c.Set(time.Date(2026, 11, 23, 16, 0, 0, 0, time.UTC))
		if got := ask(e.live); got != 0 {
			t.Errorf("midnight in Hong Kong: %d; want a new day's count", got)
		}
		if r := e.do(t, e.m, call{cred: e.live, items: []string{e.unknown}}); r.Status != 0 {
			t.Errorf("second of the new day: %d", r.Status)
		}
		if r := e.do(t, e.m, call{cred: e.live, items: []string{e.unknown}}); r.Status != 9994 || r.ErrMsg != "Exceed API request limit" {
			t.Errorf("third of the new day: %+v", r)
		}
	})
}

// rule: TRK-3
func TestMalformedRequestsAre9993(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, monday)
		good := call{cred: e.live, items: []string{e.delivered}}.xml(e.c.Now())
		bomb := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
			`<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>` +
			strings.Replace(good[strings.Index(good, "<soapenv:Envelope"):], "<mt:lang>A</mt:lang>", "<mt:lang>&lol3;</mt:lang>", 1)
		external := `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
			strings.Replace(good[strings.Index(good, "<soapenv:Envelope"):], "<mt:lang>A</mt:lang>", "<mt:lang>&xxe;</mt:lang>", 1)
		deep := strings.Replace(good, "<mt:lang>A</mt:lang>", "<mt:lang>A</mt:lang>"+strings.Repeat("<x>", 5_000)+strings.Repeat("</x>", 5_000), 1)
		huge := strings.Replace(good, "<mt:lang>A</mt:lang>", "<mt:lang>A</mt:lang><!--"+strings.Repeat("x", 1<<20)+"-->", 1)
		latin1 := strings.Replace(good, `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1)
		badBytes := strings.Replace(good, "<mt:lang>A</mt:lang>", "<mt:lang>A\xe9</mt:lang>", 1)
		cases := map[string]string{
			"empty":              "",
			"not XML":            "integratorUsername=shopapi&lang=A",
			"JSON":               `{"integratorUsername":"shopapi"}`,
			"unclosed":           good[:len(good)-20],
			"mismatched tags":    strings.Replace(good, "</mt:lang>", "</mt:langx>", 1),
			"two roots":          good + "<soapenv:Envelope/>",
			"not an Envelope":    strings.ReplaceAll(good, "soapenv:Envelope", "soapenv:Letter"),
			"no Body":            good[:strings.Index(good, "<soapenv:Body>")] + "</soapenv:Envelope>",
			"empty Body":         good[:strings.Index(good, "<soapenv:Body>")] + "<soapenv:Body/></soapenv:Envelope>",
			"another operation":  strings.ReplaceAll(good, "getItemDeliveryStatus", "getTTInfo"),
			"entity bomb":        bomb,
			"external entity":    external,
			"undeclared entity":  strings.Replace(good, "<mt:lang>A</mt:lang>", "<mt:lang>&nbsp;</mt:lang>", 1),
			"deeply nested":      deep,
			"1 MB body":          huge,
			"ISO-8859-1":         latin1,
			"invalid UTF-8":      badBytes,
			"control character":  strings.Replace(good, "<mt:lang>A</mt:lang>", "<mt:lang>A\x01</mt:lang>", 1),
			"UTF-16 declaration": strings.Replace(good, `encoding="UTF-8"`, `encoding="UTF-16"`, 1),
		}
		for name, body := range cases {
			w := post(t, e.m, body, "")
			r := decode(t, w)
			if r.Status != 9993 || r.ErrMsg != "Invalid API format" || r.ItemCount != 0 {
				t.Errorf("%s: %+v; want 9993", name, r)
			}
		}
		// A body of unknown length is cut off at the limit too.
		r := httptest.NewRequest(http.MethodPost, soap.MailTrackPath, io.MultiReader(strings.NewReader(huge), strings.NewReader(huge)))
		r.ContentLength = -1
		w := httptest.NewRecorder()
		e.m.ServeHTTP(w, r)
		if got := decode(t, w); got.Status != 9993 {
			t.Errorf("2 MB body of unknown length: %d; want 9993", got.Status)
		}
		// A byte order mark and a SOAPAction of any value are fine.
		if r := decode(t, post(t, e.m, "\xef\xbb\xbf"+call{cred: e.live, items: []string{e.delivered}}.xml(e.c.Now()), "")); r.Status != 0 {
			t.Errorf("with a byte order mark: %d", r.Status)
		}
	})
}

// rule: TRK-3
func TestDatabaseDownIs9999(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, monday)
		e.m.CredentialTTL = -1
		st.Close()
		w := post(t, e.m, call{cred: e.live, items: []string{e.delivered}}.xml(e.c.Now()), "")
		r := decode(t, w)
		if r.Status != 9999 || r.ErrMsg != "Service temporarily unavailable" {
			t.Errorf("database closed: %+v; want 9999", r)
		}
		if s := w.Body.String(); strings.Contains(s, "sql") || strings.Contains(s, "closed") || strings.Contains(s, "store") {
			t.Errorf("the answer tells the error: %s", s)
		}
	})
	// With the credential already known, a failing look-up is 9999 too.
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, monday)
		if r := e.do(t, e.m, call{cred: e.live, items: []string{e.delivered}}); r.Status != 0 {
			t.Fatal(r.Status)
		}
		st.Close()
		if r := e.do(t, e.m, call{cred: e.live, items: []string{e.delivered}}); r.Status != 9999 {
			t.Errorf("database closed after the credential was cached: %d; want 9999", r.Status)
		}
	})
}

// rule: TRK-6, TRK-7
// Two processes (two stores on one database, each with its own handler and caches) share the
// interval and the daily count.
func TestLimitsHoldAcrossProcesses(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			st1, st2 := storetest.Open(t, dsn), storetest.Open(t, dsn)
			e := newEnv(t, st1, monday)
			h1 := &soap.MailTrack{Integrators: e.acc, Tracking: e.trk, Catalog: e.cat, Usage: st1, Now: e.c.Now, MinInterval: 100 * time.Millisecond, DailyLimit: 4, Guard: soap.Guard{Nonces: st1}}
			acc2 := *e.acc
			acc2.Store = st2
			trk2 := *e.trk
			trk2.Store = st2
			h2 := &soap.MailTrack{Integrators: &acc2, Tracking: &trk2, Catalog: e.cat, Usage: st2, Now: e.c.Now, MinInterval: 100 * time.Millisecond, DailyLimit: 4, Guard: soap.Guard{Nonces: st2}}
			ask := func(h http.Handler) int { return e.do(t, h, call{cred: e.live, items: []string{e.delivered}}).Status }
			if got := ask(h1); got != 0 {
				t.Fatalf("first: %d", got)
			}
			if got := ask(h2); got != 9991 {
				t.Errorf("at once through the other process: %d; want 9991", got)
			}
			var got []int
			for i := range 4 {
				e.c.Add(100 * time.Millisecond)
				got = append(got, ask([]http.Handler{h2, h1}[i%2]))
			}
			if !slices.Equal(got, []int{0, 0, 0, 9994}) {
				t.Errorf("alternating processes with a limit of 4: %v; want 0 0 0 9994", got)
			}

			// Many requests at the same moment through both processes: exactly one is accepted.
			e.c.Add(time.Hour)
			h1.DailyLimit, h2.DailyLimit = 0, 0
			h1.MinInterval, h2.MinInterval = time.Hour, time.Hour
			var wg sync.WaitGroup
			results := make([]int, 16)
			for i := range results {
				wg.Add(1)
				go func() {
					defer wg.Done()
					h := []http.Handler{h1, h2}[i%2]
					results[i] = decode(t, post(t, h, call{cred: e.test, items: []string{e.testItem}}.xml(e.c.Now()), "")).Status
				}()
			}
			wg.Wait()
			accepted := 0
			for _, s := range results {
				switch s {
				case 0:
					accepted++
				case 9991:
				default:
					t.Errorf("concurrent request: %d", s)
				}
			}
			if accepted != 1 {
				t.Errorf("%d of 16 simultaneous requests accepted: %v; want 1", accepted, results)
			}

			// The daily count under concurrency: a limit of 5 lets exactly 5 through.
			e.c.Add(48 * time.Hour)
			h1.MinInterval, h2.MinInterval = 0, 0
			h1.DailyLimit, h2.DailyLimit = 5, 5
			for i := range results {
				wg.Add(1)
				go func() {
					defer wg.Done()
					h := []http.Handler{h1, h2}[i%2]
					results[i] = decode(t, post(t, h, call{cred: e.test, items: []string{e.testItem}}.xml(e.c.Now()), "")).Status
				}()
			}
			wg.Wait()
			accepted = 0
			for _, s := range results {
				if s == 0 {
					accepted++
				} else if s != 9994 {
					t.Errorf("concurrent request: %d", s)
				}
			}
			if accepted != 5 {
				t.Errorf("%d of 16 simultaneous requests accepted with a daily limit of 5; want 5", accepted)
			}
		})
	}
}

func TestWSDLAndMethods(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, monday)
		mux := http.NewServeMux()
		soap.RegisterMailTrack(mux, e.m)
		srv := httptest.NewServer(mux)
		defer srv.Close()
		for _, q := range []string{"?wsdl", "?WSDL", ""} {
			resp, err := http.Get(srv.URL + soap.MailTrackPath + q)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if _, err := b.ReadFrom(resp.Body); err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/xml") ||
				!strings.Contains(b.String(), `<soap:address location="`+srv.URL+soap.MailTrackPath+`"/>`) {
				t.Errorf("GET %s: %d %s\n%.300s", q, resp.StatusCode, resp.Header.Get("Content-Type"), b.String())
			}
			for _, name := range []string{"getItemDeliveryStatus", "getItemDeliveryStatusResponse", "deliveryResult", "eventDetail", "itemNo", "eventMsg_s", "orgCnty_code"} {
				if !strings.Contains(b.String(), `name="`+name+`"`) {
					t.Errorf("the WSDL does not declare %s", name)
				}
			}
		}
		// SOAP is posted to the WSDL's own address too.
		for _, q := range []string{"", "?wsdl"} {
			resp, err := http.Post(srv.URL+soap.MailTrackPath+q, "text/xml; charset=utf-8", strings.NewReader(call{cred: e.live, items: []string{e.delivered}}.xml(e.c.Now())))
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if _, err := b.ReadFrom(resp.Body); err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if !strings.Contains(b.String(), "<status>0</status><errMsg/><itemCount>1</itemCount>") {
				t.Errorf("POST %q: %s", q, b.String())
			}
		}
		req, err := http.NewRequest(http.MethodPut, srv.URL+soap.MailTrackPath, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD, POST" {
			t.Errorf("PUT: %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
		}
	})
}

// Issue 12, finding 1: a captured request cannot be sent again. Not at once, not 15 minutes later,
// not with its Password's Type attribute removed, not to a second process on the same database;
// each replay is 9992 and is written to the owner's security log with the address it came from.
// Malformed WS-Security headers are 9992 too, never 9999 and never a pass.
func TestReplayedTokensAreRefused(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, monday)
		body := call{cred: e.live, items: []string{e.delivered}}.xml(e.c.Now())
		if r := decode(t, post(t, e.m, body, "")); r.Status != 0 {
			t.Fatalf("first use: %d", r.Status)
		}
		untyped := regexp.MustCompile(` Type="[^"]*#PasswordDigest"`).ReplaceAllString(body, "")
		if untyped == body {
			t.Fatal("no Type attribute to remove")
		}
		// The same nonce written otherwise: a line break inside (as an entity), padding bits changed.
		nonceText := regexp.MustCompile(`<wsse:Nonce[^>]*>([^<]*)</wsse:Nonce>`).FindStringSubmatch(body)[1]
		broken := strings.Replace(body, nonceText, nonceText[:4]+"&#10;"+nonceText[4:], 1)
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
		last := len(nonceText) - 3 // a 16-byte nonce: 22 characters and "=="; the last one's low 4 bits are padding
		padded := strings.Replace(body, nonceText, nonceText[:last]+string(alphabet[strings.IndexByte(alphabet, nonceText[last])^1])+nonceText[last+1:], 1)
		// A second process: its own API, its own caches, the same database.
		other := &soap.MailTrack{Integrators: e.acc, Tracking: e.trk, Catalog: e.cat, Usage: st, Log: slog.New(slog.DiscardHandler), Now: e.c.Now,
			Guard: soap.Guard{Nonces: st, Log: e.acc}}
		replays := 0
		for _, after := range []time.Duration{0, 11 * time.Minute, 4 * time.Minute, 3 * time.Hour} { // at once, then 15 minutes on, then hours
			e.c.Add(after)
			for name, h := range map[string]*soap.MailTrack{"same process": e.m, "second process": other} {
				for what, b := range map[string]string{"as sent": body, "Type removed": untyped, "nonce with a line break": broken, "nonce padding bits": padded} {
					replays++
					if r := decode(t, post(t, h, b, "")); r.Status != 9992 {
						t.Errorf("replay %s, %s, %s later: %d; want 9992", what, name, e.c.Now().Sub(monday), r.Status)
					}
				}
			}
		}
		logged, err := st.AuditLog(ctx, e.shop.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, l := range logged {
			if l.Event == account.EventNonceReplayed && l.Detail == e.live.Username && l.IP != "" {
				n++
			}
		}
		if n != replays {
			t.Errorf("%d replays in the security log; want %d", n, replays)
		}
		// Past the Created window the token is refused for its age, and its nonce is forgotten.
		e.c.Add(6 * time.Hour)
		if r := decode(t, post(t, e.m, body, "")); r.Status != 9992 {
			t.Errorf("replay past the window: %d", r.Status)
		}
		if n, err := st.DeleteExpiredNonces(ctx, e.c.Now()); err != nil || n == 0 {
			t.Errorf("expired nonces forgotten: %d %v", n, err)
		}

		// Malformed tokens.
		good := call{cred: e.live, items: []string{e.delivered}}.xml(e.c.Now())
		nonce := regexp.MustCompile(`<wsse:Nonce[^>]*>([^<]*)</wsse:Nonce>`)
		created := regexp.MustCompile(`<wsu:Created>[^<]*</wsu:Created>`)
		cases := map[string]string{
			"no Nonce":               nonce.ReplaceAllString(good, ""),
			"Nonce not base64":       nonce.ReplaceAllString(good, `<wsse:Nonce>!!not base64!!</wsse:Nonce>`),
			"no Created":             created.ReplaceAllString(good, ""),
			"Created in the future":  created.ReplaceAllString(good, "<wsu:Created>"+e.c.Now().Add(9*time.Hour).UTC().Format(time.RFC3339)+"</wsu:Created>"),
			"Created 12-hour, PM":    created.ReplaceAllString(good, "<wsu:Created>2026-11-23 08:05:03 PM</wsu:Created>"),
			"Created 12-hour, a.m.":  created.ReplaceAllString(good, "<wsu:Created>11/23/2026 8:05:03 a.m.</wsu:Created>"),
			"empty Password":         regexp.MustCompile(`(<wsse:Password[^>]*>)[^<]*`).ReplaceAllString(good, "$1"),
			"empty Username":         strings.Replace(good, "<wsse:Username>shopapi</wsse:Username>", "<wsse:Username></wsse:Username>", 1),
			"two Created, one stale": strings.Replace(good, "</wsse:UsernameToken>", "<wsu:Created>2020-01-01T00:00:00Z</wsu:Created></wsse:UsernameToken>", 1),
		}
		for name, b := range cases {
			if r := decode(t, post(t, e.m, b, "")); r.Status != 9992 && r.Status != 9993 {
				t.Errorf("%s: %d; want 9992 or 9993", name, r.Status)
			}
		}
	})
}

// An endpoint may let a credential reuse one token for calls in quick succession (the EC-Ship API's
// clients do); the reuse window is the endpoint's, per credential, and a replay after it is refused.
func TestNonceReuseWindowIsTheEndpointsPolicy(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, monday)
		e.m = &soap.MailTrack{Integrators: e.acc, Tracking: e.trk, Catalog: e.cat, Usage: st, Log: slog.New(slog.DiscardHandler), Now: e.c.Now,
			Guard: soap.Guard{Nonces: st, Reuse: func(in account.Integrator) time.Duration {
				if in.Username == "shopapi" {
					return 30 * time.Second
				}
				return 0
			}}}
		body := call{cred: e.live, items: []string{e.delivered}}.xml(e.c.Now())
		for i, after := range []time.Duration{0, time.Second, 20 * time.Second} {
			e.c.Add(after)
			if r := decode(t, post(t, e.m, body, "")); r.Status != 0 {
				t.Errorf("use %d within the reuse window: %d", i+1, r.Status)
			}
		}
		e.c.Add(15 * time.Second)
		if r := decode(t, post(t, e.m, body, "")); r.Status != 9992 {
			t.Errorf("after the reuse window: %d; want 9992", r.Status)
		}
		test := call{cred: e.test, items: []string{e.testItem}}.xml(e.c.Now())
		decode(t, post(t, e.m, test, ""))
		if r := decode(t, post(t, e.m, test, "")); r.Status != 9992 {
			t.Errorf("a credential without a reuse window: %d; want 9992", r.Status)
		}
	})
}
