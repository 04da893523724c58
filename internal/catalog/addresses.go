package catalog

import (
	"fmt"
	"io/fs"
	"regexp"
	"strings"
)

// PostcodeFormat is how a destination's postcodes are written.
type PostcodeFormat struct {
	pattern *regexp.Regexp
	format  string
	Example string
}

// Normalize reads a postcode as written (any case, any spacing) and answers it written the
// usual way, or false when it is not one of the destination's postcodes.
func (p *PostcodeFormat) Normalize(code string) (string, bool) {
	code = strings.Join(strings.Fields(strings.ToUpper(code)), " ")
	m := p.pattern.FindStringSubmatchIndex(code)
	if m == nil {
		return "", false
	}
	out := p.pattern.ExpandString(nil, p.format, code, m)
	return strings.TrimRight(string(out), "- "), true // an optional group left out (ZIP without +4)
}

// Postcode is the destination's postcode format; none is false when the destination has no
// postcodes at all (Hong Kong); a destination the catalogue says nothing of answers nil, false.
func (c *Catalog) Postcode(dest string) (format *PostcodeFormat, none bool) {
	d, ok := c.Destination(dest)
	if !ok {
		return nil, false
	}
	return d.postcode, d.noPostcode
}

// Region is one of Hong Kong's three regions.
type Region struct {
	Code  string
	Names Names
}

// District is one of Hong Kong's 18 districts, with the areas an address may name instead.
type District struct {
	Code   string
	Names  Names
	Region *Region
	Areas  []string
}

// Districts are Hong Kong's districts, in the catalogue's order.
func (c *Catalog) Districts() []*District { return c.districts }

type postcodesJSON struct {
	Source  string `json:"_source"`
	None    []string
	Formats map[string]struct {
		Pattern string `json:"pattern"`
		Format  string `json:"format"`
		Example string `json:"example"`
	}
}

func (c *Catalog) loadPostcodes(fsys fs.FS) error {
	const file = "postcodes.json"
	var raw postcodesJSON
	if err := readJSON(fsys, file, &raw); err != nil {
		return err
	}
	for _, code := range raw.None {
		d, ok := c.destByKey[code]
		if !ok || d.Code != code {
			return &LoadError{File: file, Entry: code, Msg: "not a destination's ISO code"}
		}
		d.noPostcode = true
	}
	for code, f := range raw.Formats {
		d, ok := c.destByKey[code]
		if !ok || d.Code != code {
			return &LoadError{File: file, Entry: code, Msg: "not a destination's ISO code"}
		}
		if d.noPostcode {
			return &LoadError{File: file, Entry: code, Msg: "listed as having no postcodes too"}
		}
		re, err := regexp.Compile(f.Pattern)
		if err != nil || !strings.HasPrefix(f.Pattern, "^") || !strings.HasSuffix(f.Pattern, "$") {
			return &LoadError{File: file, Entry: code, Msg: fmt.Sprintf("pattern %q is not an anchored regular expression", f.Pattern)}
		}
		p := &PostcodeFormat{pattern: re, format: f.Format, Example: f.Example}
		for _, ex := range strings.Split(f.Example, " or ") {
			if got, ok := p.Normalize(ex); !ok || got != ex {
				return &LoadError{File: file, Entry: code, Msg: fmt.Sprintf("the example %q is not written as the format writes it (%q)", ex, got)}
			}
		}
		d.postcode = p
	}
	return nil
}

type districtsJSON struct {
	Source    string           `json:"_source"`
	Regions   map[string]Names `json:"regions"`
	Districts []struct {
		Code   string   `json:"code"`
		Region string   `json:"region"`
		En     string   `json:"en"`
		ZhHant string   `json:"zh-Hant"`
		ZhHans string   `json:"zh-Hans"`
		Areas  []string `json:"areas"`
	} `json:"districts"`
}

func (c *Catalog) loadDistricts(fsys fs.FS) error {
	const file = "hk_districts.json"
	var raw districtsJSON
	if err := readJSON(fsys, file, &raw); err != nil {
		return err
	}
	regions := map[string]*Region{}
	for code, n := range raw.Regions {
		if !n.complete() {
			return &LoadError{File: file, Entry: code, Msg: "names need en, zh-Hant and zh-Hans"}
		}
		regions[code] = &Region{Code: code, Names: n}
	}
	for _, d := range raw.Districts {
		r, ok := regions[d.Region]
		n := Names{En: d.En, ZhHant: d.ZhHant, ZhHans: d.ZhHans}
		switch {
		case !ok:
			return &LoadError{File: file, Entry: d.Code, Msg: fmt.Sprintf("region %q is not listed", d.Region)}
		case !n.complete():
			return &LoadError{File: file, Entry: d.Code, Msg: "names need en, zh-Hant and zh-Hans"}
		}
		c.districts = append(c.districts, &District{Code: d.Code, Names: n, Region: r, Areas: d.Areas})
	}
	if len(c.districts) != 18 {
		return &LoadError{File: file, Msg: fmt.Sprintf("%d districts: Hong Kong has 18", len(c.districts))}
	}
	return nil
}
