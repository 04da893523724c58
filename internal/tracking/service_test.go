package tracking_test

import (
	"context"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
	"github.com/ecship/ecship/internal/tracking"
)

var ctx = context.Background()

func service(t testing.TB, st tracking.Store) *tracking.Service {
	t.Helper()
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	return &tracking.Service{Store: st, Catalog: testenv.Catalog(t), Now: func() time.Time { return now }}
}

func TestCheckNamesEachField(t *testing.T) {
	s := service(t, nil)
	cases := []struct {
		in    tracking.Input
		field string
	}{
		{tracking.Input{ItemNo: "EE123456784HK", Code: "EMI", Time: "2026-11-23 14:05", Country: "JP"}, "item_no"},
		{tracking.Input{ItemNo: "EE123456785HK", Code: "XYZ", Time: "2026-11-23 14:05", Country: "JP"}, "code"},
		{tracking.Input{ItemNo: "EE123456785HK", Code: "EMI", Time: "23/11/2026", Country: "JP"}, "time"},
		{tracking.Input{ItemNo: "EE123456785HK", Code: "EMI", Time: "2027-11-23 14:05", Country: "JP"}, "time"},
		{tracking.Input{ItemNo: "EE123456785HK", Code: "EMI", Time: "2026-11-23 14:05", Country: "XX"}, "country"},
		{tracking.Input{ItemNo: "EE123456785HK", Code: "EMI", Time: "2026-11-23 14:05", Country: "JP", TimeZone: "Mars/Olympus"}, "time_zone"},
		{tracking.Input{ItemNo: "EE123456785HK", Code: "EMA", Time: "2026-11-23 14:05", Country: "JP", Office: "GPO"}, "office"},
		{tracking.Input{ItemNo: "EE123456785HK", Code: "EMA", Time: "2026-11-23 14:05", Office: "ZZZ"}, "office"},
	}
	for _, c := range cases {
		_, fe := s.Check(c.in, tracking.FromImport)
		if len(fe) == 0 || fe[0].Field != c.field {
			t.Errorf("%+v: %v; want an error on %s", c.in, fe, c.field)
		}
	}
	// Local time in the place's zone: 14:05 in Tokyo is 05:05 UTC; an office implies Hong Kong.
	e, fe := s.Check(tracking.Input{ItemNo: "ee 123 456 785 hk", Code: "emi", Time: "2026-11-23 14:05", Country: "jp"}, tracking.FromImport)
	if len(fe) > 0 || e.ItemNo != "EE123456785HK" || !e.At.Equal(time.Date(2026, 11, 23, 5, 5, 0, 0, time.UTC)) || e.TimeZone != "Asia/Tokyo" {
		t.Fatalf("Tokyo event %+v %v", e, fe)
	}
	if e.Local().Format("15:04") != "14:05" {
		t.Errorf("local time %s; want 14:05 in Tokyo", e.Local())
	}
	e, fe = s.Check(tracking.Input{ItemNo: "EE123456785HK", Code: "EMA", Time: "2026-11-23T10:00:00+08:00", Office: "tst"}, tracking.FromImport)
	if len(fe) > 0 || e.Country != "HK" || e.Office != "TST" || e.TimeZone != tracking.HongKongZone {
		t.Fatalf("office event %+v %v", e, fe)
	}
}

func TestMilestonesOutOfOrderAndDuplicates(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		s := service(t, st)
		rows := []tracking.Input{
			{ItemNo: "EE123456785HK", Code: "EMI", Time: "2026-11-26 11:00", Country: "JP"},
			{ItemNo: "EE123456785HK", Code: "EMA", Time: "2026-11-23 10:00", Office: "GPO"},
			{ItemNo: "EE123456785HK", Code: "EMC", Time: "2026-11-23 22:00", Country: "HK"},
			{ItemNo: "EE123456785HK", Code: "EMD", Time: "2026-11-24 09:00", Country: "JP"},
			{ItemNo: "EE123456785HK", Code: "EMH", Time: "2026-11-26 11:00", Country: "JP"}, // same minute as the delivery
			{ItemNo: "EE123456785HK", Code: "EMD", Time: "2026-11-24 09:00", Country: "JP"}, // a duplicate
		}
		var events []tracking.Event
		for _, r := range rows {
			e, fe := s.Check(r, tracking.FromImport)
			if len(fe) > 0 {
				t.Fatal(fe.Err())
			}
			events = append(events, e)
		}
		added, err := s.Record(ctx, events[:3])
		if err != nil || added != 3 {
			t.Fatalf("first file: %d added, %v", added, err)
		}
		items, err := s.Lookup(ctx, []string{"EE123456785HK", "RR000000015HK"})
		if err != nil {
			t.Fatalf("lookup: %v", err)
		}
		if m := items[0].Milestone(); m != "delivered" {
			t.Errorf("after EMI, EMA, EMC arrive in that order the milestone is %q; want delivered (time order)", m)
		}
		if added, err = s.Record(ctx, append(events[3:], events[0])); err != nil || added != 2 {
			t.Fatalf("second file with two repeats: %d added, %v; want 2", added, err)
		}
		if items, err = s.Lookup(ctx, []string{"EE123456785HK", "RR000000015HK"}); err != nil {
			t.Fatalf("lookup: %v", err)
		}
		var got []string
		for _, e := range items[0].Events {
			got = append(got, e.Code)
		}
		if want := "EMA EMC EMD EMH EMI"; join(got) != want {
			t.Errorf("events %s; want %s", join(got), want)
		}
		if items[0].Milestone() != "delivered" || items[1].Known() {
			t.Errorf("milestone %q, unknown item known %v", items[0].Milestone(), items[1].Known())
		}
		if at, office := items[0].Posting(); at == nil || office != "GPO" {
			t.Errorf("posting %v at %q; want the EMA at GPO", at, office)
		}
		if tracking.MilestoneNames("delivered").ZhHant != "已成功派遞" || tracking.Message("EMI").ZhHans == "" {
			t.Error("messages missing in Chinese")
		}
	})
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}

// rule: TRK-9
func TestTrackingIsOverSixMonthsAfterPosting(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, catalog.HongKong)
	at := func(t time.Time) *time.Time { return &t }
	cases := []struct {
		it   tracking.Item
		over bool
	}{
		{tracking.Item{PostedAt: at(now.AddDate(0, -6, 0).Add(time.Minute))}, false},
		{tracking.Item{PostedAt: at(now.AddDate(0, -6, 0).Add(-time.Minute))}, true},
		{tracking.Item{Events: []tracking.Event{{Code: "EMA", At: now.AddDate(0, -7, 0)}}}, true},
		{tracking.Item{Events: []tracking.Event{{Code: "EMD", At: now.AddDate(0, -1, 0)}}}, false},
		{tracking.Item{}, false},
	}
	for i, c := range cases {
		if got := c.it.TrackingOver(now); got != c.over {
			t.Errorf("case %d: over %v; want %v", i, got, c.over)
		}
	}
}

// A look-up may name one item twice: each is answered, in the order asked (both databases; an
// empty IN () once failed on PostgreSQL).
func TestLookupNamesAnItemTwice(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		s := service(t, st)
		e, fe := s.Check(tracking.Input{ItemNo: "EE123456785HK", Code: "EMA", Time: "2026-11-23 10:00", Office: "GPO"}, tracking.FromImport)
		if len(fe) > 0 {
			t.Fatal(fe.Err())
		}
		if _, err := s.Record(ctx, []tracking.Event{e}); err != nil {
			t.Fatal(err)
		}
		items, err := s.Lookup(ctx, []string{"EE123456785HK", "EE123456785HK"})
		if err != nil || len(items) != 2 || len(items[0].Events) != 1 || len(items[1].Events) != 1 {
			t.Fatalf("look-up: %v, %+v", err, items)
		}
	})
}
