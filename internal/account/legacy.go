package account

import (
	"strings"
	"time"
)

// LegacySystem is one of the older Hongkong Post systems whose accounts a Hongkong Post ID takes over
// (Stamp OnNet's LSOS and OMOS) or links (EC-Ship, My Speedpost, Circular Service).
type LegacySystem string

// The legacy systems (rule ACC-7, ACC-8).
const (
	LSOS      LegacySystem = "lsos"      // Stamp OnNet local standing order service
	OMOS      LegacySystem = "omos"      // Stamp OnNet overseas standing order service
	ECShip    LegacySystem = "ecship"    // EC-Ship: user ID + password
	Speedpost LegacySystem = "speedpost" // My Speedpost: user ID + password
	Circular  LegacySystem = "circular"  // Circular Service: email + password
)

// LegacySystems lists them in the order the portal shows them.
var LegacySystems = []LegacySystem{LSOS, OMOS, ECShip, Speedpost, Circular}

// ParseLegacySystem reads a system name.
func ParseLegacySystem(s string) (LegacySystem, bool) {
	for _, l := range LegacySystems {
		if string(l) == strings.ToLower(strings.TrimSpace(s)) {
			return l, true
		}
	}
	return "", false
}

// Upgradable reports whether members of the system upgrade to a Hongkong Post ID (Stamp OnNet) rather
// than link to one.
func (s LegacySystem) Upgradable() bool { return s == LSOS || s == OMOS }

// Linkable reports whether a Hongkong Post ID links accounts of the system.
func (s LegacySystem) Linkable() bool { return s == ECShip || s == Speedpost || s == Circular }

// SignsInWithEmail reports whether the system's login is an email address (Circular Service).
func (s LegacySystem) SignsInWithEmail() bool { return s == Circular }

// LegacyAccount is an account imported from a legacy system with its password hash.
type LegacyAccount struct {
	ID             string
	System         LegacySystem
	Login          string // login name, user ID, or email for Circular Service
	MembershipNo   string // 9 digits for LSOS/OMOS members (not a login name: ACC-10)
	Email          string
	FirstName      string
	LastName       string
	Phone          string
	Lang           string
	PasswordHash   string
	UpgradedUserID string // the Hongkong Post ID it became (LSOS/OMOS)
	LinkedUserID   string // the Hongkong Post ID it is linked to (EC-Ship, My Speedpost, Circular)
	LinkedAt       *time.Time
}
