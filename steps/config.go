package steps

import (
	"iter"
)

// CacheConfig turns on step caching. It renders as
// {"Enabled": ..., "ExpireAfter": ...}; ExpireAfter (an ISO-8601 duration
// such as "PT12H") is omitted when empty. A disabled config is still
// rendered, as {"Enabled": false}.
type CacheConfig struct {
	Enabled     bool
	ExpireAfter string
}

// Members writes the config as the SDK does.
func (c CacheConfig) Members() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		if !yield("Enabled", c.Enabled) {
			return
		}
		if c.ExpireAfter != "" {
			yield("ExpireAfter", c.ExpireAfter)
		}
	}
}

// Exception types a retry policy can match.
const (
	StepServiceFault       = "Step.SERVICE_FAULT"
	StepThrottling         = "Step.THROTTLING"
	JobInternalError       = "SageMaker.JOB_INTERNAL_ERROR"
	JobCapacityError       = "SageMaker.CAPACITY_ERROR"
	JobResourceLimit       = "SageMaker.RESOURCE_LIMIT"
	defaultBackoffRate     = 2.0
	defaultIntervalSeconds = 1
)

// RetryPolicy is one entry of a step's RetryPolicies. The zero values of
// BackoffRate and IntervalSeconds mean the SDK defaults (2.0 and 1); exactly
// one of MaxAttempts and ExpireAfterMin should be set.
type RetryPolicy struct {
	ExceptionTypes  []string
	BackoffRate     float64
	IntervalSeconds int
	MaxAttempts     int
	ExpireAfterMin  int
}

// Members writes the policy in the SDK's key order: BackoffRate,
// IntervalSeconds, MaxAttempts or ExpireAfterMin, ExceptionType.
func (p RetryPolicy) Members() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		rate := p.BackoffRate
		if rate == 0 {
			rate = defaultBackoffRate
		}
		interval := p.IntervalSeconds
		if interval == 0 {
			interval = defaultIntervalSeconds
		}
		if !yield("BackoffRate", rate) || !yield("IntervalSeconds", interval) {
			return
		}
		if p.MaxAttempts != 0 {
			if !yield("MaxAttempts", p.MaxAttempts) {
				return
			}
		}
		if p.ExpireAfterMin != 0 {
			if !yield("ExpireAfterMin", p.ExpireAfterMin) {
				return
			}
		}
		yield("ExceptionType", append([]string{}, p.ExceptionTypes...))
	}
}

func (p RetryPolicy) problem() error {
	if (p.MaxAttempts == 0) == (p.ExpireAfterMin == 0) {
		return ErrInvalid
	}
	return nil
}
