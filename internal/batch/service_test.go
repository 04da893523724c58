package batch_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/addressbook"
	"github.com/ecship/ecship/internal/batch"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
	"golang.org/x/text/encoding/traditionalchinese"
)

var bg = context.Background()

type env struct {
	svc *batch.Service
	st  *store.Store
	o   shipment.Owner
	now time.Time
}

func newEnv(tb testing.TB, st *store.Store) *env {
	tb.Helper()
	cat := testenv.Catalog(tb)
	e := &env{st: st, now: time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)}
	now := func() time.Time { return e.now }
	u := testenv.User(tb, testenv.Accounts(tb, st, now), "bulkshop", "bulk@example.hk", account.Sender)
	e.o = shipment.Owner{User: u, Mode: account.Live}
	ships := &shipment.Service{Store: st, Catalog: cat, Now: now}
	e.svc = &batch.Service{Store: st, Shipments: ships, Log: slog.New(slog.DiscardHandler), Now: now,
		Sender: (&addressbook.Book{Store: st, Now: now}).DefaultSender}
	return e
}

const header = "service,reference,weight_g,length_mm,width_mm,height_mm,insurance_amount,sender_name,sender_company,sender_address_1,sender_address_2,sender_address_3,sender_city,sender_phone,sender_email,recipient_name,recipient_company,recipient_address_1,recipient_address_2,recipient_address_3,recipient_city,recipient_state,recipient_postal_code,recipient_country,recipient_phone,recipient_email,contents_category,item_1_description,item_1_quantity,item_1_weight_g,item_1_value,item_1_currency,item_1_hs_code,item_1_origin_country\n"

func row(ref, zip, hs string) string {
	return fmt.Sprintf("AEX,%s,450,250,180,40,,陳大文,,\"Flat A, 12/F, 8 Nathan Road\",,,Kowloon,85291234567,,Jane Doe,,350 Fifth Avenue,,,New York,NY,%s,US,,,sale,Silk scarf,2,300,380.00,HKD,%s,HK\n", ref, zip, hs)
}

// get is the batch id as it stands, failing the test when it cannot be read.
func (e *env) get(t testing.TB, id string) *batch.Batch {
	t.Helper()
	b, err := e.svc.Get(bg, e.o, id)
	if err != nil {
		t.Fatalf("batch %s: %v", id, err)
	}
	return b
}

// shipments are the sender's shipments ids, in that order, failing the test when they cannot be read.
func (e *env) shipments(t testing.TB, ids []string) []*shipment.Shipment {
	t.Helper()
	list, err := e.st.ShipmentsByID(bg, e.o.User.ID, e.o.Mode, ids)
	if err != nil {
		t.Fatalf("shipments %v: %v", ids, err)
	}
	return list
}

// list is the first page of the sender's shipments that f selects, failing the test when listing fails.
func (e *env) list(t testing.TB, f shipment.Filter) []*shipment.Shipment {
	t.Helper()
	l, _, err := e.svc.Shipments.List(bg, e.o, f) // the cursor to the next page: these lists fit on one
	if err != nil {
		t.Fatalf("list %+v: %v", f, err)
	}
	return l
}

func upload(t testing.TB, e *env, name, content string) (*batch.Batch, bool) {
	t.Helper()
	b, existing, err := e.svc.Upload(bg, e.o, name, []byte(content), batch.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !existing {
		if err := e.svc.Process(bg, e.o, b); err != nil {
			t.Fatal(err)
		}
	}
	got, err := e.svc.Get(bg, e.o, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got, existing
}

// rule: BAT-2
func TestRowsBecomeReadyOrIncompleteNothingLost(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		csv := header + row("A-1", "10118", "621410") + row("A-2", "90210", "6214") + row("A-3", "1011", "621410") + "\n" + row("A-4", "60601", "621410")
		b, _ := upload(t, e, "orders.csv", csv)
		if b.Status != batch.Done || b.Rows != 4 || b.Created != 2 || b.Incomplete != 2 || len(b.ShipmentIDs) != 4 {
			t.Fatalf("batch: %s rows %d created %d incomplete %d ids %d", b.Status, b.Rows, b.Created, b.Incomplete, len(b.ShipmentIDs))
		}
		want := map[string]bool{"3 item_1_hs_code": true, "4 recipient_postal_code": true}
		for _, er := range b.Errors {
			delete(want, fmt.Sprintf("%d %s", er.Row, er.Column))
		}
		if len(want) != 0 {
			t.Errorf("row errors %+v lack %v (rows as the spreadsheet shows them)", b.Errors, want)
		}
		list := e.shipments(t, b.ShipmentIDs)
		statuses := []string{}
		for _, s := range list {
			statuses = append(statuses, string(s.Status)+":"+s.Reference)
		}
		if strings.Join(statuses, " ") != "ready:A-1 incomplete:A-2 incomplete:A-3 ready:A-4" {
			t.Errorf("shipments: %v", statuses)
		}
		// The incomplete ones carry their problems, to fix in the portal.
		if len(list[1].Problems) == 0 || list[1].DeleteAfter == nil {
			t.Errorf("incomplete row has no problems or delete date: %+v", list[1].Problems)
		}
	})
}

// A retried upload does not create twice.
func TestSameFileProcessedOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		csv := header + row("R-1", "10118", "621410")
		first, _ := upload(t, e, "orders.csv", csv)
		again, existing := upload(t, e, "orders (1).csv", csv)
		if !existing || again.ID != first.ID {
			t.Errorf("retried upload: existing %v id %s vs %s", existing, again.ID, first.ID)
		}
		all := e.list(t, shipment.Filter{Limit: 100})
		if len(all) != 1 {
			t.Errorf("%d shipments after a retried upload; want 1", len(all))
		}
	})
}

// rule: BAT-1
func TestFiveHundredOneRowsRefusedWhole(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		var b strings.Builder
		b.WriteString(header)
		for i := range 501 {
			b.WriteString(row(fmt.Sprintf("B-%d", i), "10118", "621410"))
		}
		got, _ := upload(t, e, "big.csv", b.String())
		if got.Status != batch.Failed || got.FileError == nil || got.FileError.Key != batch.KeyTooManyRows {
			t.Fatalf("501 rows: %s %+v", got.Status, got.FileError)
		}
		if all := e.list(t, shipment.Filter{Limit: 600}); len(all) != 0 {
			t.Errorf("%d shipments created from a refused file", len(all))
		}
		// 500 are fine.
		var ok strings.Builder
		ok.WriteString(header)
		for i := range 500 {
			ok.WriteString(row(fmt.Sprintf("C-%d", i), "10118", "621410"))
		}
		got, _ = upload(t, e, "ok.csv", ok.String())
		if got.Status != batch.Done || got.Created != 500 {
			t.Errorf("500 rows: %s created %d", got.Status, got.Created)
		}
	})
}

func TestEmptySenderTakesTheSavedSender(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		if _, err := (&addressbook.Book{Store: st, Now: func() time.Time { return e.now }}).Save(bg, e.o, addressbook.Sender,
			shipment.Address{Name: "Bulk Shop", Lines: []string{"1 Queen's Road"}, City: "Central", Country: "HK", Phone: "21234567"}); err != nil {
			t.Fatal(err)
		}
		line := strings.Replace(row("S-1", "10118", "621410"), `陳大文,,"Flat A, 12/F, 8 Nathan Road",,,Kowloon,85291234567,`, ",,,,,,,", 1)
		b, _ := upload(t, e, "nosender.csv", header+line)
		if b.Created != 1 {
			t.Fatalf("created %d; errors %+v", b.Created, b.Errors)
		}
		s, err := st.Shipment(bg, e.o.User.ID, e.o.Mode, b.ShipmentIDs[0])
		if err != nil {
			t.Fatal(err)
		}
		if s.Sender.Name != "Bulk Shop" || s.Sender.City != "Central" {
			t.Errorf("sender %+v", s.Sender)
		}
	})
}

func TestUnrecognisedColumnsAskForAMappingThenRemember(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		odd := strings.Replace(header, "recipient_name", "Empfänger", 1)
		b, _ := upload(t, e, "odd.csv", odd+row("M-1", "10118", "621410"))
		if b.Status != batch.NeedsMapping || len(b.Headers) == 0 {
			t.Fatalf("status %s headers %d", b.Status, len(b.Headers))
		}
		b2, err := e.svc.Remap(bg, e.o, b.ID, map[string]string{"Empfänger": "recipient_name"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Process(bg, e.o, b2); err != nil {
			t.Fatal(err)
		}
		done := e.get(t, b.ID)
		if done.Status != batch.Done || done.Created != 1 || done.File != nil {
			t.Errorf("after mapping: %s created %d file kept %v", done.Status, done.Created, done.File != nil)
		}
		// The mapping is remembered for the next file with the same columns.
		next, _ := upload(t, e, "odd2.csv", odd+row("M-2", "10118", "621410"))
		if next.Status != batch.Done || next.Created != 1 {
			t.Errorf("next upload with the saved mapping: %s %d", next.Status, next.Created)
		}
	})
}

func TestInterruptedBatchIsProcessedOnTheNextUpload(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		csv := header + row("I-1", "10118", "621410")
		b, _, err := e.svc.Upload(bg, e.o, "i.csv", []byte(csv), batch.Options{})
		if err != nil {
			t.Fatal(err)
		}
		// The process stops here (no Process call, so no heartbeat). While its lease is fresh the
		// batch is processing and a re-upload answers it as it is; 31 s after the last heartbeat it
		// is interrupted, and the file uploaded again is processed at once.
		e.now = e.now.Add(20 * time.Second)
		if got, existing := upload(t, e, "i.csv", csv); !existing || got.Status != batch.Processing {
			t.Errorf("a batch with a fresh lease: existing %v, %s", existing, got.Status)
		}
		e.now = e.now.Add(11 * time.Second)
		if got := e.get(t, b.ID); got.Status != batch.Failed || got.FileError.Key != "batch.interrupted" {
			t.Errorf("stale batch shows %s", got.Status)
		}
		again, existing := upload(t, e, "i.csv", csv)
		if existing || again.ID != b.ID || again.Status != batch.Done || again.Created != 1 {
			t.Errorf("re-upload: existing %v status %s created %d", existing, again.Status, again.Created)
		}
	})
}

// The process working on a batch renews its lease while it works, so a long file is never taken
// for an interrupted one.
func TestProcessRenewsItsLease(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		svc := *e.svc
		var clock atomic.Int64
		clock.Store(e.now.UnixNano())
		svc.Now = func() time.Time { return time.Unix(0, clock.Load()).UTC() }
		svc.Heartbeat = 5 * time.Millisecond
		b, _, err := svc.Upload(bg, e.o, "slow.csv", []byte(header+row("S-1", "10118", "621410")), batch.Options{})
		if err != nil {
			t.Fatal(err)
		}
		later := e.now.Add(time.Minute)
		var seen time.Time
		svc.Sender = func(ctx context.Context, o shipment.Owner) (shipment.Address, error) {
			clock.Store(later.UnixNano()) // a minute passes while this batch is being worked on
			time.Sleep(60 * time.Millisecond)
			got, err := st.Batch(ctx, e.o.User.ID, e.o.Mode, b.ID)
			if err == nil {
				seen = got.UpdatedAt
			}
			return shipment.Address{Name: "陳大文", Lines: []string{"8 Nathan Road"}, City: "Kowloon", Country: "HK", Phone: "85291234567"}, err
		}
		if err := svc.Process(bg, e.o, b); err != nil {
			t.Fatal(err)
		}
		if !seen.Equal(later) {
			t.Errorf("lease while processing: %v; want renewed to %v", seen, later)
		}
	})
}

func TestColumnForFieldPaths(t *testing.T) {
	cases := map[string]string{"contents.items[2].hs_code": "item_3_hs_code", "recipient.postal_code": "recipient_postal_code",
		"recipient.address_lines": "recipient_address_1", "sender.address_lines[1]": "sender_address_2", "dimensions_mm": "length_mm",
		"insurance": "insurance_amount", "contents": "contents_category", "contents.items[0].value.currency": "item_1_currency", "weight_g": "weight_g"}
	for path, want := range cases {
		if got := batch.ColumnFor(path); got != want {
			t.Errorf("%s -> %s; want %s", path, got, want)
		}
	}
}

func benchFile(b *testing.B, xlsx bool) []byte {
	var sb strings.Builder
	sb.WriteString(header)
	for i := range 500 {
		sb.WriteString(row(fmt.Sprintf("P-%d", i), "10118", "621410"))
	}
	if !xlsx {
		return []byte(sb.String())
	}
	f := excelize.NewFile()
	for r, line := range strings.Split(strings.TrimSpace(sb.String()), "\n") {
		cells := splitCSV(line)
		for c, v := range cells {
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			must(b, "cell name", err)
			must(b, "cell "+cell, f.SetCellStr("Sheet1", cell, v))
		}
	}
	var buf bytes.Buffer
	must(b, "write the workbook", f.Write(&buf))
	return buf.Bytes()
}

func splitCSV(line string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ',' && !quoted:
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	return append(out, cur.String())
}

// A 500-row file read, checked, priced, numbered and stored on SQLite.
func benchmarkImport(b *testing.B, xlsx bool) {
	data := benchFile(b, xlsx)
	name := "orders.csv"
	if xlsx {
		name = "orders.xlsx"
	}
	st := storetest.Open(b, storetest.DSNs(b)["sqlite"])
	e := newEnv(b, st)
	n := 0
	for b.Loop() {
		// The same file again from the same sender would be the same batch: each round is another
		// sender's (a copy of the first, its password hash and all, so no hashing is timed).
		b.StopTimer()
		n++
		u := *e.o.User
		u.ID, u.LoginName, u.Email = account.NewID("usr"), fmt.Sprintf("bulk%d", n), fmt.Sprintf("bulk%d@example.hk", n)
		if err := st.CreateUser(bg, &u); err != nil {
			b.Fatal(err)
		}
		o := shipment.Owner{User: &u, Mode: account.Live}
		b.StartTimer()
		got, _, err := e.svc.Upload(bg, o, name, data, batch.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := e.svc.Process(bg, o, got); err != nil || got.Created != 500 {
			b.Fatalf("%v created %d %+v", err, got.Created, got.FileError)
		}
	}
}

func BenchmarkImport500CSV(b *testing.B)  { benchmarkImport(b, false) }
func BenchmarkImport500XLSX(b *testing.B) { benchmarkImport(b, true) }

// One bad cell in each column: every row's error names that row and that column.
//
// rule: BAT-2
func TestOneBadCellInEachColumn(t *testing.T) {
	st := storetest.Open(t, storetest.DSNs(t)["sqlite"])
	e := newEnv(t, st)
	good := map[string]string{"service": "AEX", "reference": "R", "weight_g": "450", "length_mm": "250", "width_mm": "180", "height_mm": "40",
		"insurance_amount": "100", "sender_name": "陳大文", "sender_address_1": "8 Nathan Road", "sender_city": "Kowloon", "sender_phone": "85291234567",
		"sender_email": "tm@example.hk", "recipient_name": "Jane Doe", "recipient_address_1": "350 Fifth Avenue", "recipient_city": "New York",
		"recipient_state": "NY", "recipient_postal_code": "10118", "recipient_country": "US", "recipient_phone": "12125551234", "recipient_email": "jd@example.com",
		"contents_category": "sale", "item_1_description": "Silk scarf", "item_1_quantity": "2", "item_1_weight_g": "300", "item_1_value": "380.00",
		"item_1_currency": "HKD", "item_1_hs_code": "621410", "item_1_origin_country": "HK"}
	bad := []struct{ col, value string }{
		{"service", "XYZ"}, {"reference", strings.Repeat("r", 41)}, {"weight_g", "heavy"}, {"length_mm", "long"}, {"width_mm", "0"},
		{"insurance_amount", "lots"}, {"sender_name", ""}, {"sender_address_1", strings.Repeat("a", 61)}, {"sender_phone", "call me"},
		{"sender_email", "not-an-email"}, {"recipient_name", ""}, {"recipient_address_1", ""}, {"recipient_city", ""},
		{"recipient_postal_code", "1011"}, {"recipient_country", "ZZ"}, {"recipient_phone", "phone"}, {"recipient_email", "x@"},
		{"contents_category", "stuff"}, {"item_1_description", ""}, {"item_1_quantity", "two"}, {"item_1_weight_g", "x"},
		{"item_1_value", "lots"}, {"item_1_currency", "BTC"}, {"item_1_hs_code", "12"}, {"item_1_origin_country", "QQ"},
	}
	cols := make([]string, 0, len(good))
	for _, c := range batch.Columns {
		if _, ok := good[c]; ok {
			cols = append(cols, c)
		}
	}
	var sb strings.Builder
	sb.WriteString(strings.Join(cols, ",") + "\n")
	for _, b := range bad {
		vals := make([]string, len(cols))
		for i, c := range cols {
			v := good[c]
			if c == b.col {
				v = b.value
			}
			vals[i] = `"` + v + `"`
		}
		sb.WriteString(strings.Join(vals, ",") + "\n")
	}
	got, _ := upload(t, e, "bad-cells.csv", sb.String())
	if got.Status != batch.Done || got.Incomplete != len(bad) || got.Created != 0 {
		t.Fatalf("status %s created %d incomplete %d; want every row incomplete", got.Status, got.Created, got.Incomplete)
	}
	have := map[string]bool{}
	for _, er := range got.Errors {
		have[fmt.Sprintf("%d:%s", er.Row, er.Column)] = true
	}
	for i, b := range bad {
		want := b.col
		switch b.col {
		case "width_mm":
			want = "width_mm" // a zero side is the size's problem
		}
		if !have[fmt.Sprintf("%d:%s", i+2, want)] {
			t.Errorf("row %d: no error on column %s (%q); errors of the row: %v", i+2, want, b.value, rowErrors(got.Errors, i+2))
		}
	}
}

func rowErrors(errs []batch.RowError, row int) []string {
	var out []string
	for _, e := range errs {
		if e.Row == row {
			out = append(out, e.Column+"="+e.Key)
		}
	}
	return out
}

func TestReviewColumnsBeforeCreating(t *testing.T) {
	st := storetest.Open(t, storetest.DSNs(t)["sqlite"])
	e := newEnv(t, st)
	b, _, err := e.svc.Upload(bg, e.o, "review.csv", []byte(header+row("V-1", "10118", "621410")), batch.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Review(bg, b); err != nil {
		t.Fatal(err)
	}
	got := e.get(t, b.ID)
	if got.Status != batch.NeedsMapping || len(got.Headers) != 34 || got.Headers[0].Canonical != "service" {
		t.Fatalf("review: %s %d headers", got.Status, len(got.Headers))
	}
	if all := e.list(t, shipment.Filter{}); len(all) != 0 {
		t.Error("reviewing created shipments")
	}
	// Swap two columns on purpose: the sender's mapping wins.
	m := map[string]string{}
	for _, h := range got.Headers {
		m[h.Name] = h.Canonical
	}
	m["reference"] = ""
	b2, err := e.svc.Remap(bg, e.o, b.ID, m)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Process(bg, e.o, b2); err != nil {
		t.Fatal(err)
	}
	done := e.get(t, b.ID)
	list := e.shipments(t, done.ShipmentIDs)
	if done.Status != batch.Done || len(list) != 1 || list[0].Reference != "" {
		t.Errorf("after the sender's mapping: %s, reference %q (the ignored column)", done.Status, list[0].Reference)
	}
}

// A file refused for its encoding says where, and the same file uploaded again with the right
// encoding is processed with it (not answered with the old refusal).
//
// rule: BAT-2
func TestRefusedFileUploadedAgainWithOtherOptions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		big5, err := traditionalchinese.Big5.NewEncoder().String(header + row("B-1", "10118", "621410"))
		if err != nil {
			t.Fatal(err)
		}
		b, existing, err := e.svc.Upload(bg, e.o, "big5.csv", []byte(big5), batch.Options{Encoding: "utf-8"})
		if err != nil || existing {
			t.Fatal(existing, err)
		}
		if err := e.svc.Process(bg, e.o, b); err != nil {
			t.Fatal(err)
		}
		got := e.get(t, b.ID)
		if got.Status != batch.Failed || got.FileError == nil || got.FileError.Key != batch.KeyBadEncoding ||
			got.FileError.Args["row"] == nil || got.FileError.Args["column"] == nil {
			t.Fatalf("wrong encoding: %s %+v", got.Status, got.FileError)
		}
		again, existing, err := e.svc.Upload(bg, e.o, "big5.csv", []byte(big5), batch.Options{Encoding: "big5"})
		if err != nil || existing || again.ID != b.ID {
			t.Fatalf("upload again: existing %v, %v", existing, err)
		}
		if err := e.svc.Process(bg, e.o, again); err != nil {
			t.Fatal(err)
		}
		if got = e.get(t, b.ID); got.Status != batch.Done || got.Created != 1 || got.FileError != nil {
			t.Errorf("with Big5: %s created %d %+v", got.Status, got.Created, got.FileError)
		}
	})
}
