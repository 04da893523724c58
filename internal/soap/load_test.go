package soap_test

import (
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/testenv"
	"github.com/ecship/ecship/internal/tracking"
)

var (
	loadDB   = flag.String("load-db", "", "seed this database for a load test of the Mail Tracking API (see bench/mailtrack.sh)")
	loadUser = flag.String("load-user", "", "the sender (email) whose posted items are seeded")
	loadCred = flag.String("load-cred", "", "the integrator credential (username:password, made with ecship integrator create) that signs the body")
	loadBody = flag.String("load-body", "", "where to write the 30-item request body")
)

// TestLoadSeed prepares a load test, only when asked with -load-db: 30 posted items of six events
// each for the sender, and a getItemDeliveryStatus body (lang A, PasswordText: wrk sends the same
// bytes each time, and a digest's nonce may be used once) for bench/soap.lua.
func TestLoadSeed(t *testing.T) {
	if *loadDB == "" {
		t.Skip("no -load-db")
	}
	st, err := store.Open(ctx, *loadDB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	u, err := st.UserByLogin(ctx, *loadUser)
	if err != nil {
		t.Fatalf("sender %s: %v", *loadUser, err)
	}
	cat := testenv.Catalog(t)
	now := time.Now()
	e := &env{st: st, cat: cat, c: testenv.NewClock(now)}
	e.trk = &tracking.Service{Store: st, Catalog: cat, Now: e.c.Now}
	serial = int(now.Unix() % 1_000_000 * 10)
	items := make([]string, 30)
	for i := range items {
		items[i] = e.ship(t, u, account.Live, "EE", "JP", now.Add(-72*time.Hour), "GPO")
		e.events(t, items[i],
			tracking.Input{Code: "EMB", Time: local(t, now.Add(-70*time.Hour), "Asia/Hong_Kong"), Country: "HK"},
			tracking.Input{Code: "EMC", Time: local(t, now.Add(-60*time.Hour), "Asia/Hong_Kong"), Country: "HK"},
			tracking.Input{Code: "EMD", Time: local(t, now.Add(-50*time.Hour), "Asia/Tokyo"), Country: "JP"},
			tracking.Input{Code: "EDG", Time: local(t, now.Add(-26*time.Hour), "Asia/Tokyo"), Country: "JP"},
			tracking.Input{Code: "EMI", Time: local(t, now.Add(-24*time.Hour), "Asia/Tokyo"), Country: "JP"},
		)
	}
	var cred account.Integrator
	var ok bool
	if cred.Username, cred.Password, ok = strings.Cut(*loadCred, ":"); !ok {
		t.Fatalf("-load-cred %q: want username:password", *loadCred)
	}
	body := call{cred: cred, text: true, items: items}.xml(now)
	if err := os.WriteFile(*loadBody, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
