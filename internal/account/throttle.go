package account

import (
	"context"
	"net/netip"
	"time"

	"github.com/ecship/ecship/internal/errs"
)

// Sign-in throttling that cannot be turned against an account's owner (OWASP ASVS 2.2.1). Failures
// are counted over ThrottleWindow under three keys:
//   - the account and the address together: one address gets MaxFailuresPair guesses at one account,
//     then it is refused for that account; the owner signing in from another address is not;
//   - the address: MaxFailuresIP guesses at any accounts, then it is refused everywhere;
//   - the account, from every address: past MaxFailuresAccount (a guess spread over many addresses)
//     the account takes one attempt per AccountDelay, and the owner is emailed once. A browser the
//     owner signed in from before (the portal's device cookie) is spared this pace, so a guesser
//     taking each minute's attempt cannot keep the owner out.
//
// An IPv6 address counts by its /64, the block one subscriber gets.
//
// Each attempt is recorded before its password is checked, so guesses sent at once cannot all slip
// under a limit, and taken back when the password was right.

func accountThrottleKey(u *User) string { return "user:" + u.ID }

// attempt is a sign-in attempt recorded under its keys.
type attempt struct {
	s                 *Service
	account, pair, ip string
	at                time.Time
	known             bool // from a device the account's owner signed in from before
	alert             bool // this attempt took the account over MaxFailuresAccount: tell the owner if it fails
}

// claimAttempt refuses an attempt on account (a throttle key) from the client's address while a limit
// holds, else records it as a failure; the caller takes it back with succeeded. known spares the
// attempt the account-wide pace.
func (s *Service) claimAttempt(ctx context.Context, account string, c Client, known bool) (*attempt, error) {
	addr := throttleAddress(c.IP)
	a := &attempt{s: s, account: account, pair: "pair:" + account + "|" + addr, ip: "ip:" + addr, at: s.Now(), known: known}
	keys := []string{a.pair, a.ip, a.account}
	counts, err := s.Store.Failures(ctx, keys, a.at, ThrottleWindow)
	if err != nil {
		return nil, err
	}
	if err := a.refuse(ctx, counts[0] >= MaxFailuresPair, counts[1] >= MaxFailuresIP, counts[2] >= MaxFailuresAccount, 1); err != nil {
		return nil, err
	}
	if counts, err = s.Store.RecordFailure(ctx, keys, a.at, ThrottleWindow); err != nil {
		return nil, err
	}
	// Counted with this attempt: another sent at the same moment may have got in first.
	if err := a.refuse(ctx, counts[0] > MaxFailuresPair, counts[1] > MaxFailuresIP, counts[2] > MaxFailuresAccount, 2); err != nil {
		return nil, err
	}
	a.alert = counts[2] == MaxFailuresAccount
	return a, nil
}

// refuse answers the throttled error when the pair or the address is over its limit, or the account
// is and has had `recent` failures within AccountDelay (its pace: one attempt a minute).
func (a *attempt) refuse(ctx context.Context, pair, ip, account bool, recent int) error {
	if !pair && !ip && !account {
		return nil
	}
	if !pair && !ip {
		if a.known {
			return nil
		}
		n, err := a.s.Store.Failures(ctx, []string{a.account}, a.at, AccountDelay)
		if err != nil {
			return err
		}
		if n[0] < recent {
			return nil
		}
	}
	return errs.New(errs.RateLimited, "account.signin.throttled", errs.Args{"minutes": int(ThrottleWindow.Minutes())})
}

// succeeded takes the attempt back: the password was right. The account's failures, and the
// address's on it, are forgotten; the address's count drops by this one.
func (a *attempt) succeeded() {
	ctx := context.Background()
	for _, k := range []string{a.account, a.pair} {
		if err := a.s.Store.ClearFailures(ctx, k); err != nil {
			a.s.Log.Error("clear sign-in failures", "err", err)
		}
	}
	if err := a.s.Store.ForgetFailure(ctx, a.ip, a.at); err != nil {
		a.s.Log.Error("forget sign-in attempt", "err", err)
	}
}

// alertOwner emails the owner that their account is being guessed at.
func (s *Service) alertOwner(ctx context.Context, u *User) {
	msg := s.message(u, "mail.signin_alert", map[string]any{"name": u.Name(), "count": MaxFailuresAccount, "minutes": int(ThrottleWindow.Minutes()),
		"link": s.BaseURL + "/forgot-password"}, "")
	if err := s.Mail.SendLater(ctx, msg); err != nil {
		s.Log.Error("sign-in alert", "user", u.ID, "err", err)
	}
}

// throttleAddress is the address sign-in failures are counted under: an IPv6 address's /64 (one
// subscriber's block, in which addresses are had for nothing), any other address as it is.
func throttleAddress(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is6() || a.Is4In6() {
		return ip
	}
	p, _ := a.Prefix(64)
	return p.String()
}
