package soap

import (
	"sync"
	"time"
)

// maxCached bounds each cache; when full it starts again empty.
const maxCached = 10_000

// ttlCache keeps values for a while: most requests would otherwise spend a database round trip on
// finding the same credential or sender again. A value is good from when it was put until its
// deadline (a clock set back does not make it good longer).
type ttlCache[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]ttlEntry[V]
}

type ttlEntry[V any] struct {
	v           V
	from, until time.Time
}

func (c *ttlCache[K, V]) get(k K, now time.Time) (V, bool) {
	c.mu.Lock()
	e, ok := c.m[k]
	c.mu.Unlock()
	if !ok || now.Before(e.from) || !now.Before(e.until) {
		var zero V
		return zero, false
	}
	return e.v, true
}

func (c *ttlCache[K, V]) put(k K, v V, now, until time.Time) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCached {
		c.m = map[K]ttlEntry[V]{}
	}
	c.m[k] = ttlEntry[V]{v: v, from: now, until: until}
	c.mu.Unlock()
}
