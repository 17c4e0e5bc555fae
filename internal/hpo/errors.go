package hpo

import (
	"errors"
	"fmt"
)

// Sentinel errors, matched with errors.Is.
var (
	// ErrInvalidRange marks a bad hyperparameter range; the error is a
	// *RangeError naming the parameter.
	ErrInvalidRange = errors.New("hpo: invalid hyperparameter range")
	// ErrInvalidConfig marks a bad tuning configuration.
	ErrInvalidConfig = errors.New("hpo: invalid tuning configuration")
	// ErrUnknownTrial marks a trial index the tuner has not handed out.
	ErrUnknownTrial = errors.New("hpo: unknown trial")
	// ErrTrialFinished marks a report about a trial that has already
	// completed or failed.
	ErrTrialFinished = errors.New("hpo: trial already finished")
	// ErrNoParam marks a typed accessor asked for a name that is not tuned.
	ErrNoParam = errors.New("hpo: no such hyperparameter")
)

// RangeError is a problem with one hyperparameter's range or value.
type RangeError struct {
	Param  string // the hyperparameter's name
	Reason string
}

func (e *RangeError) Error() string {
	return fmt.Sprintf("hpo: hyperparameter %q: %s", e.Param, e.Reason)
}

// Is reports whether target is ErrInvalidRange.
func (e *RangeError) Is(target error) bool { return target == ErrInvalidRange }
