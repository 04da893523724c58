package racetest

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// workers is how many goroutines call the servers at once (each race pairs two of them).
const workers = 16

// forEach calls fn(worker, i) for every i in [0, n) on up to `parallel` goroutines and answers the
// first error; after an error no new i is started.
func forEach(n, parallel int, fn func(worker, i int) error) error {
	var next atomic.Int64
	var failed atomic.Bool
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for w := range min(n, parallel) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(w, i); err != nil {
					once.Do(func() { first = err })
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// race runs a and b at the same moment: both wait for one start signal, and one of them (either)
// waits a random fraction of maxLead more, so that every interleaving gets its turn.
func race(a, b func()) {
	const maxLead = 3 * time.Millisecond
	lead, aWaits := rand.N(maxLead), rand.IntN(2) == 0
	start := make(chan struct{})
	var wg sync.WaitGroup
	run := func(f func(), wait bool) {
		defer wg.Done()
		<-start
		if wait {
			time.Sleep(lead)
		}
		f()
	}
	wg.Add(2)
	go run(a, aWaits)
	go run(b, !aWaits)
	close(start)
	wg.Wait()
}

// tally counts what became of one race's rounds.
type tally struct {
	mu         sync.Mutex
	rounds     int
	outcomes   map[string]int
	violations []string // rounds whose answers break the invariant
	unexpected []string // answers that no outcome of the race explains
}

// add counts a round and its outcome, such as "scan 200, cancel 409 conflict".
func (t *tally) add(outcome string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.outcomes == nil {
		t.outcomes = map[string]int{}
	}
	t.rounds++
	t.outcomes[outcome]++
}

// violate records a round whose answers break the race's invariant.
func (t *tally) violate(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.violations = append(t.violations, fmt.Sprintf(format, args...))
}

// odd records an answer the race does not explain (a server error, a refusal of valid input).
func (t *tally) odd(r reply) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.unexpected = append(t.unexpected, r.Error())
}

// report logs the counts and fails the test with examples when a round broke the invariant or had
// an unexpected answer.
func (t *tally) report(tb testing.TB, name string) {
	tb.Helper()
	t.mu.Lock()
	defer t.mu.Unlock()
	var keys []string
	for k := range t.outcomes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s: %d", k, t.outcomes[k]))
	}
	tb.Logf("%s: %d rounds; %s; %d violations; %d unexpected answers", name, t.rounds, strings.Join(parts, "; "), len(t.violations), len(t.unexpected))
	if n := len(t.violations); n > 0 {
		tb.Errorf("%s: %d of %d rounds broke the invariant, for example:\n  %s", name, n, t.rounds, strings.Join(examples(t.violations), "\n  "))
	}
	if n := len(t.unexpected); n > 0 {
		tb.Errorf("%s: %d unexpected answers, for example:\n  %s", name, n, strings.Join(examples(t.unexpected), "\n  "))
	}
}

// examples are the first few of a list.
func examples(list []string) []string { return list[:min(len(list), 5)] }

// ids is a set of label or refund ids collected by concurrent rounds.
type ids struct {
	mu   sync.Mutex
	list []string
}

func (s *ids) add(id ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.list = append(s.list, id...)
}

func (s *ids) all() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.list...)
}
