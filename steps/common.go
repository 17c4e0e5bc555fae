package steps

import (
	"fmt"
	"slices"
)

// common holds what every step type shares. Step builders copy it before
// changing it (copy-on-write slices), so derived steps never alias.
type common struct {
	name     string
	env      Envelope
	cache    *CacheConfig
	problems []error
}

func newCommon(name string) common { return common{name: name} }

// Name returns the step name.
func (c *common) Name() string { return c.name }

// Envelope returns a copy of the step's envelope.
func (c *common) Envelope() Envelope {
	e := c.env
	e.DependsOn = slices.Clone(e.DependsOn)
	e.DependsOnSteps = slices.Clone(e.DependsOnSteps)
	e.RetryPolicies = slices.Clone(e.RetryPolicies)
	return e
}

func (c *common) addDependsOn(es []Entity) {
	names := slices.Clone(c.env.DependsOn)
	deps := slices.Clone(c.env.DependsOnSteps)
	for _, e := range es {
		if isNil(e) {
			c.problem(fmt.Errorf("%w: nil dependency", ErrInvalid))
			continue
		}
		for _, s := range e.Steps() {
			if !slices.Contains(names, s.Name()) {
				names = append(names, s.Name())
				deps = append(deps, s)
			}
		}
	}
	c.env.DependsOn, c.env.DependsOnSteps = names, deps
}

func (c *common) addDependsOnNames(ns []string) {
	names := slices.Clone(c.env.DependsOn)
	for _, n := range ns {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	c.env.DependsOn = names
}

func (c *common) addRetry(ps []RetryPolicy) {
	c.env.RetryPolicies = append(slices.Clone(c.env.RetryPolicies), ps...)
}

func (c *common) setCache(cc CacheConfig) { c.cache = &cc }

// problem records a builder problem (copy-on-write).
func (c *common) problem(err error) {
	c.problems = append(slices.Clone(c.problems), err)
}

func (c *common) commonProblems() []error {
	out := slices.Clone(c.problems)
	for i, p := range c.env.RetryPolicies {
		if p.problem() != nil {
			out = append(out, fmt.Errorf("%w: retry policy %d: exactly one of MaxAttempts and ExpireAfterMin must be set", ErrInvalid, i))
		}
	}
	return out
}

// cacheTrailer returns the CacheConfig member when caching is configured.
func (c *common) cacheTrailer() []Member {
	if c.cache == nil {
		return nil
	}
	return []Member{{"CacheConfig", *c.cache}}
}
