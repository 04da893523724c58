package tracking

import (
	"embed"
	"encoding/json"
	"fmt"
	"time"
	_ "time/tzdata" // events happen in every time zone: do not depend on the host's zone files

	"github.com/ecship/ecship/internal/catalog"
)

//go:embed data/*.json
var dataFS embed.FS

type codeInfo struct {
	names     catalog.Names
	milestone string
	rank      int // order in the list: how far along the journey
}

var (
	codes      = map[string]codeInfo{}
	milestones = map[string]catalog.Names{}
	// Milestones lists the milestone codes in journey order.
	Milestones []string
	zones      map[string]string
	several    = map[string]bool{} // countries with more than one time zone
)

func init() {
	if err := load(); err != nil {
		panic(err)
	}
}

func load() error {
	var ev struct {
		Milestones []struct {
			Code  string        `json:"code"`
			Names catalog.Names `json:"names"`
		} `json:"milestones"`
		Events []struct {
			Code      string        `json:"code"`
			Milestone string        `json:"milestone"`
			Names     catalog.Names `json:"names"`
		} `json:"events"`
		Source string `json:"source"`
	}
	if err := readJSON("data/events.json", &ev); err != nil {
		return err
	}
	for _, m := range ev.Milestones {
		milestones[m.Code] = m.Names
		Milestones = append(Milestones, m.Code)
	}
	for i, e := range ev.Events {
		if _, ok := milestones[e.Milestone]; !ok || e.Names.En == "" || e.Names.ZhHant == "" || e.Names.ZhHans == "" {
			return fmt.Errorf("tracking: data/events.json: event %s: unknown milestone or missing names", e.Code)
		}
		codes[e.Code] = codeInfo{names: e.Names, milestone: e.Milestone, rank: i}
	}
	var z struct {
		Source  string            `json:"source"`
		Several []string          `json:"several_zones"`
		Zones   map[string]string `json:"zones"`
	}
	if err := readJSON("data/zones.json", &z); err != nil {
		return err
	}
	for c, name := range z.Zones {
		if _, err := time.LoadLocation(name); err != nil {
			return fmt.Errorf("tracking: data/zones.json: %s: %w", c, err)
		}
	}
	zones = z.Zones
	for _, c := range z.Several {
		several[c] = true
	}
	return nil
}

func readJSON(name string, v any) error {
	b, err := dataFS.ReadFile(name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("tracking: %s: %w", name, err)
	}
	return nil
}

// KnownCode reports whether code is an EMSEVT event code.
func KnownCode(code string) bool { _, ok := codes[code]; return ok }

// Message is an event code's message in the three languages.
func Message(code string) catalog.Names { return codes[code].names }

// MilestoneOf is an event code's milestone.
func MilestoneOf(code string) string { return codes[code].milestone }

// MilestoneNames is a milestone's name in the three languages.
func MilestoneNames(m string) catalog.Names { return milestones[m] }

// ZoneOf is the time zone events in a country are in unless told otherwise; "" if unknown.
func ZoneOf(country string) string { return zones[country] }

// SeveralZones reports whether a country spans more than one time zone: its events need theirs.
func SeveralZones(country string) bool { return several[country] }

func progress(code string) int { return codes[code].rank }
