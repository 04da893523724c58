package account

// Access is what a route or action needs: the one scale every handler and check uses.
type Access int

// Access levels, each including the ones above it for the roles that have it.
const (
	Public       Access = iota // anyone, signed in or not
	Anonymous                  // only visitors not signed in (registration, sign-in)
	SignedIn                   // any signed-in user
	Verified                   // signed in with a verified email (rule ACC-1: to pay or ship)
	CounterStaff               // counter staff and admins
	AdminOnly                  // admins
)

// Allows reports whether u (nil: not signed in) has the access.
func Allows(u *User, a Access) bool {
	switch a {
	case Public:
		return true
	case Anonymous:
		return u == nil
	case SignedIn:
		return u != nil
	case Verified:
		return u.Verified()
	case CounterStaff:
		return u != nil && (u.Role == Counter || u.Role == Admin)
	case AdminOnly:
		return u != nil && u.Role == Admin
	}
	return false
}

func (a Access) String() string {
	return [...]string{"public", "anonymous", "signed-in", "verified", "counter", "admin"}[a]
}
