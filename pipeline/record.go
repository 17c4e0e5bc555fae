package pipeline

import (
	"encoding/json"
	"time"
)

// The types in this file describe a run of a pipeline. Both engines, the
// local one and the SageMaker one, report what they do with them, so a
// report, a progress view or a test reads a local execution and one on AWS
// the same way.

// ExecutionStatus is the status of a pipeline execution, with SageMaker's
// names (PipelineExecutionStatus).
type ExecutionStatus string

// The statuses an execution goes through.
const (
	ExecutionExecuting ExecutionStatus = "Executing"
	ExecutionStopping  ExecutionStatus = "Stopping"
	ExecutionStopped   ExecutionStatus = "Stopped"
	ExecutionFailed    ExecutionStatus = "Failed"
	ExecutionSucceeded ExecutionStatus = "Succeeded"
)

// Done reports whether the status is final.
func (s ExecutionStatus) Done() bool {
	return s == ExecutionStopped || s == ExecutionFailed || s == ExecutionSucceeded
}

// StepStatus is the status of one step of an execution, with SageMaker's
// names (StepStatus), plus StepNotRun for a step that never started.
type StepStatus string

// The statuses a step goes through.
const (
	// StepPending is a step of the definition that has not started yet
	// (SageMaker does not list such steps).
	StepPending   StepStatus = "Pending"
	StepStarting  StepStatus = "Starting"
	StepExecuting StepStatus = "Executing"
	StepStopping  StepStatus = "Stopping"
	StepStopped   StepStatus = "Stopped"
	StepFailed    StepStatus = "Failed"
	StepSucceeded StepStatus = "Succeeded"
	// StepNotRun is a step of the definition that did not run: it is on a
	// condition branch that was not taken, or a step it depends on did not
	// succeed. SageMaker does not list such steps; the record keeps them so
	// that every step of the definition has a line.
	StepNotRun StepStatus = "NotRun"
)

// Done reports whether the status is final.
func (s StepStatus) Done() bool {
	return s == StepStopped || s == StepFailed || s == StepSucceeded || s == StepNotRun
}

// Execution is the record of one run of a pipeline: what it was run with,
// where it stands, and every step's record, in definition order.
type Execution struct {
	// ID names the execution (on AWS, the last part of its ARN).
	ID string `json:"id"`
	// ARN is the execution's ARN on AWS; empty for a local execution.
	ARN string `json:"arn,omitempty"`
	// Pipeline is the pipeline's name.
	Pipeline string `json:"pipeline"`
	// DisplayName is the execution's display name, if it was given one.
	DisplayName string          `json:"display_name,omitempty"`
	Status      ExecutionStatus `json:"status"`
	// FailureReason says why the execution failed or stopped: a Fail
	// step's resolved message, or the failing step's reason.
	FailureReason string    `json:"failure_reason,omitempty"`
	Start         time.Time `json:"start"`
	End           time.Time `json:"end,omitzero"`
	// Parameters holds every parameter's value for this execution
	// (defaults and overrides), as JSON values: string, integer, float or
	// boolean.
	Parameters map[string]json.RawMessage `json:"parameters"`
	// RetryOf names the execution this one retries, if any.
	RetryOf string       `json:"retry_of,omitempty"`
	Steps   []StepRecord `json:"steps"`
}

// Step returns the record of the named step, or nil.
func (e *Execution) Step(name string) *StepRecord {
	for i := range e.Steps {
		if e.Steps[i].Name == name {
			return &e.Steps[i]
		}
	}
	return nil
}

// StepRecord is what an execution knows about one step.
type StepRecord struct {
	Name string `json:"name"`
	// Type is the step's type as the definition writes it ("Processing",
	// "Training", "Condition", ...).
	Type   string     `json:"type"`
	Status StepStatus `json:"status"`
	Start  time.Time  `json:"start,omitzero"`
	End    time.Time  `json:"end,omitzero"`
	// Attempts counts the times the step's job was started: 1 for a step
	// that succeeded at once, more after retries, 0 for a cache hit or a
	// step that did not run.
	Attempts int `json:"attempts"`
	// CachedFrom names the execution whose outputs a cache hit reused.
	CachedFrom string `json:"cached_from,omitempty"`
	// Arguments is the step's arguments with every expression resolved,
	// as the service received them.
	Arguments json.RawMessage `json:"arguments,omitempty"`
	// Properties is the step's property tree after it ran, shaped as the
	// service's Describe response for the step's job (a condition step's
	// {"Outcome": ...}, a Lambda step's OutputParameters, ...).
	Properties json.RawMessage `json:"properties,omitempty"`
	// Outputs maps each named output to the URI it was written to.
	Outputs map[string]string `json:"outputs,omitempty"`
	// Metrics are the metrics the step's job reported, in order.
	Metrics []Metric `json:"metrics,omitempty"`
	// FailureReason says why the step failed, stopped or did not run.
	FailureReason string `json:"failure_reason,omitempty"`
	// Log is the step's log, one line per entry.
	Log []string `json:"log,omitempty"`
}

// Metric is one value of a named metric reported by a step's job.
type Metric struct {
	Name  string    `json:"name"`
	Value float64   `json:"value"`
	Time  time.Time `json:"time,omitzero"`
	// Step is the training iteration or epoch the value belongs to, when
	// the job said (-1 when it did not).
	Step int `json:"step"`
}

// EventKind says what happened in an Event.
type EventKind string

// The events engines report.
const (
	EventStarted   EventKind = "started"
	EventSucceeded EventKind = "succeeded"
	EventFailed    EventKind = "failed"
	EventCached    EventKind = "cached"
	EventRetried   EventKind = "retried"
	EventSkipped   EventKind = "skipped"
	EventStopped   EventKind = "stopped"
)

// Event is one change in an execution, reported as it happens. Step is
// empty for a change of the execution itself.
type Event struct {
	Time      time.Time
	Execution string
	Step      string
	Kind      EventKind
	// Attempt is the step's attempt number (from 1) for started, retried,
	// failed and succeeded events.
	Attempt int
	// Message says more: a failure reason, the execution a cache hit came
	// from, why a step was skipped.
	Message string
}
