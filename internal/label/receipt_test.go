package label

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/money"
)

var hkt = time.FixedZone("HKT", 8*3600)

// sampleReceipt is a counter visit at the General Post Office: three items, one of them paid
// online in full and overpaid, and two payments at the counter.
func sampleReceipt() Receipt {
	return Receipt{
		No:            "R20261121GPO0001",
		OfficeCode:    "GPO",
		Office:        "General Post Office",
		OfficeZh:      "郵政總局",
		Staff:         "clerk.wong",
		Opened:        time.Date(2026, 11, 21, 14, 5, 0, 0, hkt),
		Closed:        time.Date(2026, 11, 21, 14, 38, 0, 0, hkt),
		SpeedpostCard: "SP-0042-7781",
		Items: []ReceiptItem{
			{ItemNo: s10("EE", 47312482), Service: "Speedpost (Standard Service)", Destination: "Japan", WeightG: 1650,
				Postage: money.MustParse("305.00"), PaidHere: money.MustParse("305.00"), BonusPoints: 30},
			{ItemNo: s10("LA", 1), Service: "e-Express+", Destination: "United States", WeightG: 420,
				Postage: money.MustParse("98.50"), PaidBefore: money.MustParse("112.30"), Refundable: money.MustParse("13.80")},
			{ItemNo: s10("RR", 287043), Service: "Air Registered Mail", Destination: "China", WeightG: 90,
				Postage: money.MustParse("27.80"), PaidBefore: money.MustParse("20.00"), PaidHere: money.MustParse("7.80")},
		},
		Payments: []ReceiptPayment{
			{Method: "cash", Amount: money.MustParse("12.80"), At: time.Date(2026, 11, 21, 14, 30, 0, 0, hkt)},
			{Method: "eps", Amount: money.MustParse("300.00"), At: time.Date(2026, 11, 21, 14, 36, 0, 0, hkt)},
		},
	}
}

// manyItems is a receipt of n items with distinct item numbers.
func manyItems(n int) Receipt {
	r := sampleReceipt()
	r.Items = nil
	for i := range n {
		r.Items = append(r.Items, ReceiptItem{
			ItemNo: s10("LA", 7000+i), Service: "e-Express+", Destination: "United Kingdom", WeightG: 250 + 10*i,
			Postage: money.Cents(8000 + 25*i), PaidBefore: money.Cents(8000 + 25*i), BonusPoints: 1,
		})
	}
	return r
}

func renderReceiptFile(t *testing.T, name string, r Receipt) string {
	t.Helper()
	var buf bytes.Buffer
	if err := RenderReceipt(&buf, r); err != nil {
		t.Fatalf("RenderReceipt %s: %v", name, err)
	}
	path := filepath.Join(t.TempDir(), name+".pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// rule: CTR-5
// rule: CTR-4
// rule: PAY-7
func TestReceiptText(t *testing.T) {
	needTools(t, "pdftotext", "pdfinfo")
	r := sampleReceipt()
	path := renderReceiptFile(t, "receipt", r)
	if n := len(pdfPageSizes(t, path)); n != 1 {
		t.Errorf("a 3-item receipt takes %d pages, want 1", n)
	}
	text := pdfText(t, path)
	want := []string{
		"Hongkong Post · Posting receipt", "郵件收據",
		r.No, "General Post Office (GPO)", "郵政總局", "clerk.wong", "SP-0042-7781",
		"21 Nov 2026 14:05", "21 Nov 2026 14:38",
		"Total: 3 items", "2.160 kg", // 1650 + 420 + 90 g
		"HK$431.30", // postage: 305.00 + 98.50 + 27.80
		"HK$132.30", // paid before: 112.30 + 20.00
		"HK$312.80", // paid here: 305.00 + 7.80, and the payments' total
		"HK$13.80",  // refundable
		"Cash", "EPS", "HK$12.80", "HK$300.00", "21 Nov 2026 14:30", "21 Nov 2026 14:36",
		"Total paid at this counter",
		"Overpayments are refundable through the EC-Ship portal after posting.",
	}
	for _, it := range r.Items {
		want = append(want, it.ItemNo, it.Destination, kg(it.WeightG))
	}
	for _, s := range want {
		if !strings.Contains(text, s) {
			t.Errorf("receipt lacks %q:\n%s", s, text)
		}
	}
	// pdftotext may drop the narrow spaces of "1 / 1".
	if !regexp.MustCompile(`(?m)^1 ?/ ?1$`).MatchString(text) {
		t.Errorf("no page number \"1 / 1\":\n%s", text)
	}
	if strings.Contains(text, "NOT A RECEIPT") {
		t.Error("a receipt without a watermark shows one")
	}

	// Each item is one row of the table, in the columns' order.
	layout := pdfText(t, path, "-layout")
	for i, it := range r.Items {
		row := regexp.MustCompile(fmt.Sprintf(`%d\s+%s\s+.*%s\s+%s\s+%s\s+%s\s+%s\s+%d`, i+1, it.ItemNo,
			regexp.QuoteMeta(kg(it.WeightG)), regexp.QuoteMeta(hk(it.Postage)), regexp.QuoteMeta(hk(it.PaidBefore)),
			regexp.QuoteMeta(hk(it.PaidHere)), regexp.QuoteMeta(hk(it.Refundable)), it.BonusPoints))
		if !row.MatchString(layout) {
			t.Errorf("no row for item %s in:\n%s", it.ItemNo, layout)
		}
	}
	if !regexp.MustCompile(`Total: 3 items\s+2\.160 kg\s+HK\$431\.30\s+HK\$132\.30\s+HK\$312\.80\s+HK\$13\.80\s+30`).MatchString(layout) {
		t.Errorf("no totals row in:\n%s", layout)
	}
}

// rule: CTR-5
func TestReceiptBarcode(t *testing.T) {
	needTools(t, "pdftoppm", "zbarimg")
	r := sampleReceipt()
	if got := barcodes(t, renderReceiptFile(t, "receipt", r), 1); len(got) != 1 || got[0] != r.No {
		t.Errorf("zbarimg read %q, want [%s]", got, r.No)
	}
}

// rule: CTR-5
func TestReceiptPages(t *testing.T) {
	needTools(t, "pdftotext", "pdfinfo")
	r := manyItems(60)
	path := renderReceiptFile(t, "long", r)
	pages := len(pdfPageSizes(t, path))
	if pages < 2 {
		t.Fatalf("60 items on %d page, want more", pages)
	}
	text := pdfText(t, path)
	for _, it := range r.Items {
		if n := strings.Count(text, it.ItemNo); n != 1 {
			t.Errorf("item %s appears %d times, want once", it.ItemNo, n)
		}
	}
	for p := 1; p <= pages; p++ {
		page := pdfText(t, path, "-f", fmt.Sprint(p), "-l", fmt.Sprint(p))
		if !regexp.MustCompile(fmt.Sprintf(`(?m)^%d ?/ ?%d$`, p, pages)).MatchString(page) {
			t.Errorf("page %d lacks \"%d / %d\"", p, p, pages)
		}
		if !strings.Contains(page, r.No) {
			t.Errorf("page %d does not say which receipt it is", p)
		}
		// Every page with items repeats the table header.
		if strings.Contains(page, "LA") && !strings.Contains(page, "Item number") {
			t.Errorf("page %d has items but no table header:\n%s", p, page)
		}
	}
	if !strings.Contains(text, "Total: 60 items") {
		t.Error("no total of 60 items")
	}
}

// rule: CTR-5
func TestReceiptNoItems(t *testing.T) {
	needTools(t, "pdftotext")
	r := sampleReceipt()
	r.Items, r.Payments, r.SpeedpostCard = nil, nil, ""
	text := pdfText(t, renderReceiptFile(t, "empty", r))
	for _, s := range []string{"No items accepted.", "Total: 0 items", "No payment was taken at this counter.", r.No} {
		if !strings.Contains(text, s) {
			t.Errorf("empty receipt lacks %q:\n%s", s, text)
		}
	}
	if strings.Contains(text, "Speedpost card") {
		t.Error("a receipt without a Speedpost card shows one")
	}
}

// rule: CTR-5
func TestReceiptSubtotals(t *testing.T) {
	needTools(t, "pdftotext")
	r := sampleReceipt()
	text := pdfText(t, renderReceiptFile(t, "two-methods", r))
	if strings.Contains(text, "Subtotal") {
		t.Errorf("one payment per method needs no subtotals:\n%s", text)
	}
	r.Payments = append(r.Payments, ReceiptPayment{Method: "cash", Amount: money.MustParse("0.20"), At: r.Closed})
	layout := pdfText(t, renderReceiptFile(t, "cash-twice", r), "-layout")
	for _, row := range []string{`Subtotal\s+Cash\s+HK\$13\.00`, `Subtotal\s+EPS\s+HK\$300\.00`, `Total paid at this counter\s+HK\$313\.00`} {
		if !regexp.MustCompile(row).MatchString(layout) {
			t.Errorf("no %s in:\n%s", row, layout)
		}
	}
}

func TestReceiptWatermark(t *testing.T) {
	needTools(t, "pdftotext", "pdfinfo")
	r := manyItems(60)
	r.Watermark = "TEST - NOT A RECEIPT"
	path := renderReceiptFile(t, "test-mode", r)
	pages := len(pdfPageSizes(t, path))
	for p := 1; p <= pages; p++ {
		if txt := pdfText(t, path, "-raw", "-f", fmt.Sprint(p), "-l", fmt.Sprint(p)); !strings.Contains(txt, "NOT A RECEIPT") {
			t.Errorf("page %d of %d lacks the watermark", p, pages)
		}
	}
}

func TestReceiptPaymentMethods(t *testing.T) {
	var en Receipt
	for method, want := range map[string]string{
		"cash": "Cash", "eps": "EPS", "octopus": "Octopus", "fps": "FPS", "card": "Card", "ewallet": "e-wallet", "cheque": "cheque",
		"change:cash": "Change given (Cash)",
	} {
		if got := en.methodName(method); got != want {
			t.Errorf("%s prints as %q, want %q", method, got, want)
		}
	}
	zh := Receipt{Lang: i18n.TraditionalChinese}
	if got := zh.methodName("octopus"); got != "八達通" {
		t.Errorf("octopus in Chinese prints as %q", got)
	}
}

// rule: ACC-6
// A receipt prints in the language asked for, its title in the other language beside it.
func TestReceiptInChinese(t *testing.T) {
	needTools(t, "pdftotext")
	r := sampleReceipt()
	r.Lang = i18n.SimplifiedChinese
	path := renderReceiptFile(t, "zh-hans", r)
	txt := pdfText(t, path)
	for _, want := range []string{"香港邮政 · 邮件收据", "Posting receipt", "收据编号", "邮件编号", "柜位收款合计", "现金", "多付的邮费", "年11月"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the Simplified Chinese receipt lacks %q:\n%s", want, txt)
		}
	}
	if strings.Contains(txt, "Payments taken") {
		t.Error("the Chinese receipt still has English headings")
	}
}

func TestReceiptDeterministic(t *testing.T) {
	for _, r := range []Receipt{sampleReceipt(), manyItems(60)} {
		var a, b bytes.Buffer
		if err := RenderReceipt(&a, r); err != nil {
			t.Fatal(err)
		}
		if err := RenderReceipt(&b, r); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%d items: the same receipt gave different PDFs", len(r.Items))
		}
		if !bytes.Contains(a.Bytes(), []byte("/CreationDate (D:20261121")) {
			t.Errorf("%d items: the PDF is not dated with the receipt's closing date", len(r.Items))
		}
	}
}

func TestReceiptRefuses(t *testing.T) {
	for name, no := range map[string]string{"no number": "", "non-ASCII number": "R2026１", "too long": strings.Repeat("R", 41)} {
		r := sampleReceipt()
		r.No = no
		if err := RenderReceipt(io.Discard, r); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: RenderReceipt gave %v, want ErrInvalid", name, err)
		}
	}
}

// BenchmarkReceipt renders a receipt of 20 items and 2 payments.
func BenchmarkReceipt(b *testing.B) {
	if _, err := loadFonts(); err != nil {
		b.Fatal(err)
	}
	r := manyItems(20)
	b.ReportAllocs()
	for b.Loop() {
		if err := RenderReceipt(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
