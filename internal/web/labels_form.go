package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/ecship/ecship/internal/i18n"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/shipment"
)

// The label form: a service and country shared by up to 20 labels (LBL-4), one sender, and a block
// per label with its recipient, weight, size, contents and insurance. Inputs are named sender_*,
// r<i>_* and r<i>_a<j>_* so every message can sit beside its input.
const articlesPerLabel = 3

type labelForm struct {
	form
	// Prices are what each label would cost as the form stands, after "Check price" (no Price
	// where it cannot be priced yet).
	Prices     []formPrice
	N          int
	Blocks     []int
	Articles   []int
	Categories []string
}

// formPrice is one label's price as the form stands, and whether sample rates make it.
type formPrice struct {
	Price  string
	Sample bool
}

func newLabelForm(n int) labelForm {
	n = max(1, min(n, shipment.MaxPerCountry))
	f := labelForm{form: form{Values: map[string]string{}, Errors: map[string]string{}}, N: n, Categories: shipment.Categories}
	for i := range n {
		f.Blocks = append(f.Blocks, i)
	}
	for j := range articlesPerLabel {
		f.Articles = append(f.Articles, j)
	}
	return f
}

// In is the name of a block's input: In 2 "name" is "r2_name".
func (f labelForm) In(i int, name string) string { return fmt.Sprintf("r%d_%s", i, name) }

// Art is the name of an article's input: Art 2 0 "hs" is "r2_a0_hs".
func (f labelForm) Art(i, j int, name string) string { return fmt.Sprintf("r%d_a%d_%s", i, j, name) }

// BlockValue and BlockError are the value and the message of an input of label block i.
func (f labelForm) BlockValue(i int, name string) string { return f.Values[f.In(i, name)] }
func (f labelForm) BlockError(i int, name string) string { return f.Errors[f.In(i, name)] }

// ArticleValue and ArticleError are the value and the message of an input of article j of block i.
func (f labelForm) ArticleValue(i, j int, name string) string { return f.Values[f.Art(i, j, name)] }
func (f labelForm) ArticleError(i, j int, name string) string { return f.Errors[f.Art(i, j, name)] }

var senderInputs = []string{"name", "company", "line1", "line2", "line3", "city", "phone", "email"}
var blockInputs = []string{"name", "company", "line1", "line2", "line3", "city", "state", "postal", "phone", "email", "ref", "weight", "l", "w", "h", "insure", "category", "explanation", "save"}
var articleInputs = []string{"desc", "qty", "weight", "value", "currency", "hs", "origin"}

// readLabelForm reads the posted form as typed.
func readLabelForm(r *http.Request) labelForm {
	r.ParseForm()
	n, _ := strconv.Atoi(r.PostForm.Get("n"))
	f := newLabelForm(n)
	get := func(k string) { f.Values[k] = strings.TrimSpace(r.PostForm.Get(k)) }
	get("service")
	get("country")
	get("save_sender")
	for _, k := range senderInputs {
		get("sender_" + k)
	}
	for i := range f.N {
		for _, k := range blockInputs {
			get(f.In(i, k))
		}
		for j := range articlesPerLabel {
			for _, k := range articleInputs {
				get(f.Art(i, j, k))
			}
		}
	}
	return f
}

// shipments turns the form into shipments, noting what cannot even be read (a weight that is not a
// number) against its input.
func (f *labelForm) shipments() []*shipment.Shipment {
	v := f.Values
	sender := shipment.Address{Name: v["sender_name"], Company: v["sender_company"], Lines: []string{v["sender_line1"], v["sender_line2"], v["sender_line3"]},
		City: v["sender_city"], Country: "HK", Phone: v["sender_phone"], Email: v["sender_email"]}
	var out []*shipment.Shipment
	for i := range f.N {
		b := func(k string) string { return v[f.In(i, k)] }
		s := &shipment.Shipment{Service: v["service"], Reference: b("ref"), Sender: sender,
			Recipient: shipment.Address{Name: b("name"), Company: b("company"), Lines: []string{b("line1"), b("line2"), b("line3")}, City: b("city"),
				State: b("state"), PostalCode: b("postal"), Country: v["country"], Phone: b("phone"), Email: b("email")}}
		if w := b("weight"); w != "" {
			g, err := catalog.ParseWeight(w, "g")
			if err != nil {
				f.Errors[f.In(i, "weight")] = "quote.weight.syntax"
			}
			s.WeightG = g
		}
		if b("l") != "" || b("w") != "" || b("h") != "" {
			d := &catalog.Dimensions{}
			for _, side := range []struct {
				k   string
				dst *int
			}{{"l", &d.Length}, {"w", &d.Width}, {"h", &d.Height}} {
				n, err := strconv.Atoi(b(side.k))
				if err != nil {
					f.Errors[f.In(i, side.k)] = "quote.size.whole_mm"
				}
				*side.dst = n
			}
			s.Dimensions = d
		}
		if ins := b("insure"); ins != "" {
			c, err := money.Parse(strings.ReplaceAll(strings.TrimPrefix(ins, "HK$"), ",", ""))
			if err != nil {
				f.Errors[f.In(i, "insure")] = "quote.insurance.syntax"
			}
			s.Insurance = c
		}
		c := &shipment.Contents{Category: b("category"), Explanation: b("explanation")}
		for j := range articlesPerLabel {
			a := func(k string) string { return v[f.Art(i, j, k)] }
			if a("desc") == "" && a("qty") == "" && a("weight") == "" && a("value") == "" && a("hs") == "" {
				continue
			}
			art := shipment.Article{Description: a("desc"), Currency: a("currency"), HSCode: a("hs"), Origin: a("origin")}
			art.Quantity, _ = strconv.Atoi(a("qty"))
			if w := a("weight"); w != "" {
				g, err := catalog.ParseWeight(w, "g")
				if err != nil {
					f.Errors[f.Art(i, j, "weight")] = "quote.weight.syntax"
				}
				art.WeightG = g
			}
			if val := a("value"); val != "" {
				m, err := money.Parse(strings.ReplaceAll(val, ",", ""))
				if err != nil {
					f.Errors[f.Art(i, j, "value")] = "quote.insurance.syntax"
				}
				art.Value = m
			}
			c.Items = append(c.Items, art)
		}
		if c.Category != "" || len(c.Items) > 0 {
			s.Contents = c
		}
		out = append(out, s)
	}
	return out
}

// fill puts a shipment into block i (to edit or copy it).
// fillRecipient puts an address in block i's recipient inputs (and the destination), leaving the
// rest of the block as typed.
func (f *labelForm) fillRecipient(i int, a shipment.Address) {
	line := func(k int) string {
		if k < len(a.Lines) {
			return a.Lines[k]
		}
		return ""
	}
	for k, x := range map[string]string{"name": a.Name, "company": a.Company, "line1": line(0), "line2": line(1), "line3": line(2),
		"city": a.City, "state": a.State, "postal": a.PostalCode, "phone": a.Phone, "email": a.Email} {
		f.Values[f.In(i, k)] = x
	}
	if a.Country != "" {
		f.Values["country"] = a.Country
	}
}

func (f *labelForm) fill(i int, s *shipment.Shipment) {
	v := f.Values
	v["service"], v["country"] = s.Service, s.Recipient.Country
	line := func(lines []string, k int) string {
		if k < len(lines) {
			return lines[k]
		}
		return ""
	}
	for k, x := range map[string]string{"name": s.Sender.Name, "company": s.Sender.Company, "line1": line(s.Sender.Lines, 0), "line2": line(s.Sender.Lines, 1),
		"line3": line(s.Sender.Lines, 2), "city": s.Sender.City, "phone": s.Sender.Phone, "email": s.Sender.Email} {
		v["sender_"+k] = x
	}
	f.fillRecipient(i, s.Recipient)
	v[f.In(i, "ref")] = s.Reference
	if s.WeightG > 0 {
		v[f.In(i, "weight")] = strconv.Itoa(s.WeightG)
	}
	if d := s.Dimensions; d != nil {
		v[f.In(i, "l")], v[f.In(i, "w")], v[f.In(i, "h")] = strconv.Itoa(d.Length), strconv.Itoa(d.Width), strconv.Itoa(d.Height)
	}
	if s.Insurance > 0 {
		v[f.In(i, "insure")] = s.Insurance.String()
	}
	if c := s.Contents; c != nil {
		v[f.In(i, "category")], v[f.In(i, "explanation")] = c.Category, c.Explanation
		for j, a := range c.Items {
			if j >= articlesPerLabel {
				break
			}
			for k, x := range map[string]string{"desc": a.Description, "qty": strconv.Itoa(a.Quantity), "weight": strconv.Itoa(a.WeightG),
				"value": a.Value.String(), "currency": a.Currency, "hs": a.HSCode, "origin": a.Origin} {
				v[f.Art(i, j, k)] = x
			}
		}
	}
}

var (
	shipmentsIndex = regexp.MustCompile(`^shipments\[(\d+)\]\.`)
	linesIndex     = regexp.MustCompile(`^address_lines(?:\[(\d)\])?$`)
	itemsIndex     = regexp.MustCompile(`^items\[(\d+)\]\.(.+)$`)
)

// inputFor maps a shipment field path ("shipments[2].contents.items[0].hs_code") to the form input
// it came from ("r2_a0_hs").
func (f labelForm) inputFor(path string) string {
	i := 0
	if m := shipmentsIndex.FindStringSubmatch(path); m != nil {
		i, _ = strconv.Atoi(m[1])
		path = path[len(m[0]):]
	}
	head, rest, _ := strings.Cut(path, ".")
	switch head {
	case "service":
		return "service"
	case "sender", "recipient":
		prefix := "sender_"
		if head == "recipient" {
			if rest == "country" {
				return "country"
			}
			prefix = f.In(i, "")
		}
		if m := linesIndex.FindStringSubmatch(rest); m != nil {
			k, _ := strconv.Atoi(m[1])
			return prefix + "line" + strconv.Itoa(k+1)
		}
		if rest == "postal_code" {
			rest = "postal"
		}
		return prefix + rest
	case "reference":
		return f.In(i, "ref")
	case "weight_g":
		return f.In(i, "weight")
	case "dimensions_mm":
		return f.In(i, "l")
	case "insurance":
		return f.In(i, "insure")
	case "contents":
		if m := itemsIndex.FindStringSubmatch(rest); m != nil {
			j, _ := strconv.Atoi(m[1])
			k := map[string]string{"description": "desc", "quantity": "qty", "weight_g": "weight", "value": "value", "value.currency": "currency", "hs_code": "hs", "origin_country": "origin"}[m[2]]
			if k == "" {
				k = "desc"
			}
			return f.Art(i, j, k)
		}
		if rest == "explanation" {
			return f.In(i, "explanation")
		}
		if rest == "items" {
			return f.Art(i, 0, "desc")
		}
		return f.In(i, "category")
	}
	return ""
}

// errorLink is one line of a form's error summary: the message, linking to its input.
type errorLink struct{ ID, Text string }

// Summary lists the form's errors in the order of its inputs, each with where it is ("Label 2 ·")
// and a link to the input, so that the first look shows every one.
func (f labelForm) Summary(l i18n.Lang) []errorLink {
	var out []errorLink
	add := func(id, where string) {
		if msg := f.Errors[id]; msg != "" {
			if where != "" {
				msg = where + " · " + msg
			}
			out = append(out, errorLink{ID: id, Text: msg})
		}
	}
	add("country", "")
	add("service", "")
	for _, k := range senderInputs {
		add("sender_"+k, i18n.T(l, "labels.sender", nil))
	}
	for i := range f.N {
		where := i18n.T(l, "labels.recipient", nil)
		if f.N > 1 {
			where = i18n.T(l, "labels.label_n", map[string]any{"n": i + 1})
		}
		for _, k := range blockInputs {
			add(f.In(i, k), where)
		}
		for j := range articlesPerLabel {
			for _, k := range articleInputs {
				add(f.Art(i, j, k), where)
			}
		}
	}
	return out
}
