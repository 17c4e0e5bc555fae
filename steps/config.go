package steps

import (
	"github.com/sagepipe/sagepipe/internal/pyjson"
)

// CacheConfig turns on step caching. It renders as
// {"Enabled": ..., "ExpireAfter": ...}; ExpireAfter (an ISO-8601 duration
// such as "PT12H") is omitted when empty. A disabled config is still
// rendered, as {"Enabled": false}.
type CacheConfig struct {
	Enabled     bool
	ExpireAfter string
}

// object renders the config as the SDK does.
func (c CacheConfig) object() *pyjson.Object {
	o := pyjson.NewObject().Set("Enabled", c.Enabled)
	if c.ExpireAfter != "" {
		o.Set("ExpireAfter", c.ExpireAfter)
	}
	return o
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

// object renders the policy in the SDK's key order: BackoffRate,
// IntervalSeconds, MaxAttempts or ExpireAfterMin, ExceptionType.
func (p RetryPolicy) object() *pyjson.Object {
	rate := p.BackoffRate
	if rate == 0 {
		rate = defaultBackoffRate
	}
	interval := p.IntervalSeconds
	if interval == 0 {
		interval = defaultIntervalSeconds
	}
	o := pyjson.NewObject().Set("BackoffRate", rate).Set("IntervalSeconds", interval)
	if p.MaxAttempts != 0 {
		o.Set("MaxAttempts", p.MaxAttempts)
	}
	if p.ExpireAfterMin != 0 {
		o.Set("ExpireAfterMin", p.ExpireAfterMin)
	}
	return o.Set("ExceptionType", append([]string{}, p.ExceptionTypes...))
}

func (p RetryPolicy) problem() error {
	if (p.MaxAttempts == 0) == (p.ExpireAfterMin == 0) {
		return ErrInvalid
	}
	return nil
}
