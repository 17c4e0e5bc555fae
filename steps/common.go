package steps

import (
	"fmt"
	"slices"

	"github.com/sagepipe/sagepipe/internal/stepdef"
)

// common holds what every step type shares. Step builders copy it before
// changing it (copy-on-write slices), so derived steps never alias.
type common struct {
	name     string
	env      envelope
	cache    *CacheConfig
	problems []error
}

func newCommon(name string) common { return common{name: name} }

// Name returns the step name.
func (c *common) Name() string { return c.name }

func (c *common) defEnvelope() envelope { return c.env }

func (c *common) addDependsOn(es []Entity) {
	names := slices.Clone(c.env.dependsOn)
	deps := slices.Clone(c.env.dependsOnSteps)
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
	c.env.dependsOn, c.env.dependsOnSteps = names, deps
}

func (c *common) addDependsOnNames(ns []string) {
	names := slices.Clone(c.env.dependsOn)
	for _, n := range ns {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	c.env.dependsOn = names
}

func (c *common) addRetry(ps []RetryPolicy) {
	c.env.retryPolicies = append(slices.Clone(c.env.retryPolicies), cloneRetry(ps)...)
}

func (c *common) setCache(cc CacheConfig) { c.cache = &cc }

// problem records a builder problem (copy-on-write).
func (c *common) problem(err error) {
	c.problems = append(slices.Clone(c.problems), err)
}

func (c *common) commonProblems() []error {
	out := slices.Clone(c.problems)
	for i, p := range c.env.retryPolicies {
		if p.problem() != nil {
			out = append(out, fmt.Errorf("%w: retry policy %d: exactly one of MaxAttempts and ExpireAfterMin must be set", ErrInvalid, i))
		}
	}
	return out
}

// cacheTrailer returns the CacheConfig member when caching is configured.
func (c *common) cacheTrailer() []stepdef.Member {
	if c.cache == nil {
		return nil
	}
	return []stepdef.Member{{Key: "CacheConfig", Value: c.cache.object()}}
}
