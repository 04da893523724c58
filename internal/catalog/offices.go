package catalog

import (
	"fmt"
	"io/fs"
)

// OfficeKind says what an office does with EC-Ship items (rule CTR-1).
type OfficeKind string

// Kinds of office.
const (
	PostOffice OfficeKind = "post_office" // accepts EC-Ship items over the counter
	BulkCentre OfficeKind = "bulk_centre" // bulk acceptance counter: bulk postings go here
	Mobile     OfficeKind = "mobile"      // mobile post office: no EC-Ship acceptance
)

// Office is a place where items are posted and tracking events happen in Hong Kong.
type Office struct {
	Code  string
	Kind  OfficeKind
	Names Names
}

// AcceptsECShip reports whether the office's counters accept EC-Ship items: all but mobile
// offices (CTR-1).
func (o *Office) AcceptsECShip() bool { return o.Kind != Mobile }

// AcceptsBulk reports whether the office has a bulk acceptance counter (CTR-1).
func (o *Office) AcceptsBulk() bool { return o.Kind == BulkCentre }

type officesJSON struct {
	Source  string `json:"source"`
	Sample  bool   `json:"sample"`
	Offices []struct {
		Code  string     `json:"code"`
		Kind  OfficeKind `json:"kind"`
		Names Names      `json:"names"`
	} `json:"offices"`
}

func (c *Catalog) loadOffices(fsys fs.FS) error {
	const file = "offices.json"
	var raw officesJSON
	if err := readJSON(fsys, file, &raw); err != nil {
		return err
	}
	c.officeByCode = map[string]*Office{}
	for i, o := range raw.Offices {
		entry := fmt.Sprintf("entry %d (%s)", i+1, o.Code)
		switch {
		case !codeRe.MatchString(o.Code):
			return &LoadError{File: file, Entry: entry, Msg: "code must be three capital letters or digits"}
		case c.officeByCode[o.Code] != nil:
			return &LoadError{File: file, Entry: entry, Msg: "code used twice"}
		case o.Kind != PostOffice && o.Kind != BulkCentre && o.Kind != Mobile:
			return &LoadError{File: file, Entry: entry, Msg: fmt.Sprintf("kind %q is not post_office, bulk_centre or mobile", o.Kind)}
		case !o.Names.complete():
			return &LoadError{File: file, Entry: entry, Msg: "names need en, zh-Hant and zh-Hans"}
		}
		off := &Office{Code: o.Code, Kind: o.Kind, Names: o.Names}
		c.offices = append(c.offices, off)
		c.officeByCode[o.Code] = off
	}
	if len(c.offices) == 0 {
		return &LoadError{File: file, Msg: "lists no office"}
	}
	c.officesSample = raw.Sample
	return nil
}

// Offices lists the post offices in catalogue order.
func (c *Catalog) Offices() []*Office { return c.offices }

// OfficesSample reports whether the office list is a sample rather than every office.
func (c *Catalog) OfficesSample() bool { return c.officesSample }

// Office finds an office by its code.
func (c *Catalog) Office(code string) (*Office, bool) {
	o, ok := c.officeByCode[code]
	return o, ok
}
