// Package label draws shipping labels as PDF, PNG or ZPL II (for Zebra thermal printers): each
// ply at the size Hongkong Post fixes for the service (LBL-2) or fitted to an A6 or 4 x 6 inch
// label, one per page or several on an A4 sheet (LBL-3), with the sender and
// recipient (Chinese, Japanese and Korean included), the item number as a Code 128 barcode,
// the postage paid (LBL-12), the air mail impression, the US office of exchange (LBL-7) and
// the CN22/CN23 customs declaration (LBL-11).
//
// Fonts are embedded (see fonts/README.md) and read once; each PDF embeds only the glyphs it
// uses. The same labels always give the same bytes.
package label

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/money"
)

// Label is everything printed on one shipping label.
type Label struct {
	Service     string // EMS, AEX, ARM, SRM, APL, SPL, LRM, LPL, LCP or LEG
	ServiceName string // e.g. "e-Express+"
	ItemNo      string // UPU S10 item number, e.g. "LA000000017HK"
	Postage     money.Cents
	Unpaid      bool        // not paid online: the postage is due at the counter, not paid
	Insurance   money.Cents // premium paid; 0 = not insured
	Created     time.Time   // the date printed on the label: when it was created
	Reference   string      // the sender's own reference
	WeightG     int         // declared gross weight in grams
	Air         bool        // sent by air: prints the BY AIR MAIL / PAR AVION impression
	USExchange  string      // "JFK" or "OTHERS" for e-Express+ to the US (LBL-7), else ""
	Sender      Address
	Recipient   Address
	Customs     *Customs // nil when the item needs no customs declaration
	Watermark   string   // printed across every page when set, e.g. "PREVIEW"
}

// Address is a sender or recipient; any field may be in Chinese, Japanese or Korean.
type Address struct {
	Name        string
	Company     string
	Lines       []string
	City        string
	State       string
	PostalCode  string
	Country     string // ISO 3166-1 alpha-2
	CountryName string
	Phone       string
}

// Customs is a CN22 or CN23 declaration (LBL-11). The caller chooses the form: CN23 when the
// contents are worth more than 300 SDR.
type Customs struct {
	Form            string // "CN22" or "CN23"
	Category        string // gift, documents, sample, returned, sale or other
	Explanation     string // what "other" is; printed as comments on a CN23
	Items           []Item
	TotalValue      money.Cents
	Currency        string // currency of TotalValue, e.g. "HKD"
	InvoiceNo       string
	Date            time.Time
	SenderSignature string // the name the sender signed with
}

// Item is one article of a customs declaration.
type Item struct {
	Description string
	Quantity    int
	NetWeightG  int
	Value       money.Cents
	Currency    string
	HSCode      string
	Origin      string // ISO country code of origin
}

// Customs forms and categories.
const (
	CN22 = "CN22"
	CN23 = "CN23"

	CategoryGift      = "gift"
	CategoryDocuments = "documents"
	CategorySample    = "sample"
	CategoryReturned  = "returned"
	CategorySale      = "sale"
	CategoryOther     = "other"
)

// Layout says how labels are put on paper.
type Layout int

const (
	// OnePerPage prints each ply on a page of its own exact size, for label printers.
	OnePerPage Layout = iota
	// A4Sheet puts as many plies as fit on each A4 portrait page, with cut lines (LBL-3).
	A4Sheet
)

// PlySize is the size of one ply (one page of a label) in millimetres, and what it is for.
type PlySize struct {
	W, H float64
	Name string
}

// Ply names.
const (
	plyLabel   = "Address label"
	plyOrigin  = "Office of origin copy"
	plySender  = "Sender's copy"
	plyCustoms = "Customs declaration"
)

// Size is the plies of a label for service to a destination (ISO alpha-2), as LBL-2 fixes
// them; nil for an unknown service. Local services have no published size; they use the
// registered-mail size for letters (LRM 188x81) and the parcel size for the rest (LPL, LCP,
// LEG 188x135), one ply each.
func Size(service, destCountry string) []PlySize {
	switch service {
	case "EMS":
		return []PlySize{{184, 129, plyLabel}, {184, 129, plyOrigin}, {184, 129, plySender}}
	case "AEX":
		if strings.EqualFold(destCountry, "US") {
			return []PlySize{{101, 101, plyLabel}, {101, 101, plySender}}
		}
		return []PlySize{{189, 135, plyLabel}}
	case "ARM", "SRM", "LRM":
		return []PlySize{{188, 81, plyLabel}}
	case "APL", "SPL":
		return []PlySize{{188, 135, plyLabel}, {188, 135, plyOrigin}, {188, 137, plySender}}
	case "LPL", "LCP", "LEG":
		return []PlySize{{188, 135, plyLabel}}
	}
	return nil
}

// PageSizes is every page a label prints: its plies (Size) and then, when it has a customs
// declaration, the declaration on pages of the first ply's size. The plies' fixed designs
// leave no room for a declaration, so it always gets a page of its own; a declaration with
// more articles than one page holds continues on further pages.
func PageSizes(l Label) []PlySize {
	plies := Size(l.Service, l.Recipient.Country)
	if len(plies) == 0 {
		return nil
	}
	if l.Customs != nil {
		first := plies[0]
		for range customsPages(l.Customs, first.W, first.H) {
			plies = append(plies, PlySize{first.W, first.H, plyCustoms})
		}
	}
	return plies
}

// ErrInvalid is wrapped by Render's errors about a label it cannot print.
var ErrInvalid = errors.New("label: invalid")

func validate(l *Label) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrInvalid, l.ItemNo, fmt.Sprintf(format, args...))
	}
	if Size(l.Service, l.Recipient.Country) == nil {
		return bad("unknown service %q", l.Service)
	}
	if l.ItemNo == "" || len(l.ItemNo) > 40 {
		return bad("item number must be 1 to 40 characters")
	}
	for _, r := range l.ItemNo {
		if r < 0x20 || r > 0x7e {
			return bad("item number must be printable ASCII")
		}
	}
	if l.Service == "AEX" && strings.EqualFold(l.Recipient.Country, "US") && l.USExchange != "JFK" && l.USExchange != "OTHERS" {
		return bad("e-Express+ to the US needs the office of exchange (JFK or OTHERS), got %q", l.USExchange)
	}
	if c := l.Customs; c != nil {
		if c.Form != CN22 && c.Form != CN23 {
			return bad("customs form must be CN22 or CN23, got %q", c.Form)
		}
		switch c.Category {
		case CategoryGift, CategoryDocuments, CategorySample, CategoryReturned, CategorySale, CategoryOther:
		default:
			return bad("unknown customs category %q", c.Category)
		}
	}
	return nil
}
