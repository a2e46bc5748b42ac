package main

import (
	"sort"
	"sync"
	"sync/atomic"
)

// sync2DCounter is a counter keyed by two label values.
type sync2DCounter struct {
	mu sync.Mutex
	m  map[[2]string]*atomic.Uint64
}

type sample struct {
	a, b string
	n    uint64
}

func (c *sync2DCounter) inc(a, b string) {
	c.mu.Lock()
	n, ok := c.m[[2]string{a, b}]
	if !ok {
		n = new(atomic.Uint64)
		c.m[[2]string{a, b}] = n
	}
	c.mu.Unlock()
	n.Add(1)
}

// snapshot returns the samples in a stable order so scrapes diff cleanly.
func (c *sync2DCounter) snapshot() []sample {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]sample, 0, len(c.m))
	for k, v := range c.m {
		out = append(out, sample{k[0], k[1], v.Load()})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].a != out[j].a {
			return out[i].a < out[j].a
		}
		return out[i].b < out[j].b
	})
	return out
}
