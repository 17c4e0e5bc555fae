package hpo

import (
	"fmt"
	"log/slog"
)

// Strategy is a tuning job's search strategy as SageMaker spells it.
type Strategy string

// The search strategies. The empty string means Bayesian, SageMaker's
// default.
const (
	Bayesian  Strategy = "Bayesian"
	Random    Strategy = "Random"
	Grid      Strategy = "Grid"
	Hyperband Strategy = "Hyperband"
)

// ObjectiveType says whether the objective metric is minimised or
// maximised.
type ObjectiveType string

// The objective types. The empty string means Maximize, the SageMaker
// SDK's default.
const (
	Minimize ObjectiveType = "Minimize"
	Maximize ObjectiveType = "Maximize"
)

// EarlyStopping is the TrainingJobEarlyStoppingType of a tuning job.
type EarlyStopping string

// The early stopping types. The empty string means Off.
const (
	EarlyStoppingOff  EarlyStopping = "Off"
	EarlyStoppingAuto EarlyStopping = "Auto"
)

// HyperbandConfig is HyperbandStrategyConfig: the resource (epochs,
// boosting rounds, any unit the training reports its steps in) every trial
// gets at least and at most.
type HyperbandConfig struct {
	MinResource int
	MaxResource int
	// Eta is the reduction factor between rungs; 0 means 3. SageMaker does
	// not expose it.
	Eta int
}

// Observation is a finished trial of an earlier tuning job, for a warm
// start: its hyperparameters as SageMaker passed them and its final
// objective value.
type Observation struct {
	Hyperparameters map[string]string
	Value           float64
}

// Config configures a Tuner. It mirrors HyperParameterTuningJobConfig.
type Config struct {
	// Space is the search space (NewSpace of the ParameterRanges).
	Space *Space
	// Strategy defaults to Bayesian.
	Strategy Strategy
	// Objective defaults to Maximize.
	Objective ObjectiveType
	// MaxJobs is MaxNumberOfTrainingJobs. For Grid, 0 (or a value at least
	// the number of combinations) runs every combination once.
	MaxJobs int
	// MaxParallel is MaxParallelTrainingJobs; 0 means 1. The trials the
	// tuner hands out depend on it (see the package documentation).
	MaxParallel int
	// EarlyStopping is TrainingJobEarlyStoppingType; Auto applies the
	// median stopping rule in ShouldStop. Hyperband needs it Off.
	EarlyStopping EarlyStopping
	// Hyperband is required by the Hyperband strategy and ignored by the
	// others.
	Hyperband *HyperbandConfig
	// Seed is RandomSeed: the same Seed, Config and results give the same
	// trials.
	Seed int64
	// WarmStart holds the finished trials of parent tuning jobs
	// (IdenticalDataAndAlgorithm): the Bayesian strategy fits its model to
	// them from the first trial on. Observations whose hyperparameters do
	// not fit Space (a parameter missing or out of range) are skipped; see
	// Tuner.WarmStarted. The other strategies do not learn from results and
	// ignore them.
	WarmStart []Observation
	// InitialRandom is the number of random trials the Bayesian strategy
	// runs before its model takes over, warm-start observations counting
	// towards it; 0 means the default, the number of parameters plus one
	// clamped to [3, 10].
	InitialRandom int
	// Logger receives debug records of suggestions and stopping decisions;
	// nil discards them.
	Logger *slog.Logger
}

func (c *Config) normalise() error {
	if c.Space == nil {
		return fmt.Errorf("%w: no search space", ErrInvalidConfig)
	}
	switch c.Strategy {
	case "":
		c.Strategy = Bayesian
	case Bayesian, Random, Grid, Hyperband:
	default:
		return fmt.Errorf("%w: unknown strategy %q", ErrInvalidConfig, c.Strategy)
	}
	switch c.Objective {
	case "":
		c.Objective = Maximize
	case Minimize, Maximize:
	default:
		return fmt.Errorf("%w: unknown objective type %q", ErrInvalidConfig, c.Objective)
	}
	switch c.EarlyStopping {
	case "":
		c.EarlyStopping = EarlyStoppingOff
	case EarlyStoppingOff, EarlyStoppingAuto:
	default:
		return fmt.Errorf("%w: unknown early stopping type %q", ErrInvalidConfig, c.EarlyStopping)
	}
	if c.MaxParallel == 0 {
		c.MaxParallel = 1
	}
	if c.MaxParallel < 0 {
		return fmt.Errorf("%w: MaxParallelTrainingJobs %d is negative", ErrInvalidConfig, c.MaxParallel)
	}
	if c.MaxJobs < 0 || (c.MaxJobs == 0 && c.Strategy != Grid) {
		return fmt.Errorf("%w: MaxNumberOfTrainingJobs must be positive, got %d", ErrInvalidConfig, c.MaxJobs)
	}
	if c.InitialRandom < 0 {
		return fmt.Errorf("%w: InitialRandom %d is negative", ErrInvalidConfig, c.InitialRandom)
	}
	if c.Strategy == Grid {
		for _, p := range c.Space.params {
			if p.Kind != Categorical {
				return &RangeError{Param: p.Name, Reason: "the Grid strategy takes categorical ranges only"}
			}
		}
	}
	if c.Strategy == Hyperband {
		h := c.Hyperband
		switch {
		case h == nil:
			return fmt.Errorf("%w: the Hyperband strategy needs a HyperbandStrategyConfig", ErrInvalidConfig)
		case h.MinResource < 1:
			return fmt.Errorf("%w: Hyperband MinResource must be at least 1, got %d", ErrInvalidConfig, h.MinResource)
		case h.MaxResource < h.MinResource:
			return fmt.Errorf("%w: Hyperband MaxResource %d is below MinResource %d", ErrInvalidConfig, h.MaxResource, h.MinResource)
		case h.Eta != 0 && h.Eta < 2:
			return fmt.Errorf("%w: Hyperband Eta must be at least 2, got %d", ErrInvalidConfig, h.Eta)
		case c.EarlyStopping != EarlyStoppingOff:
			return fmt.Errorf("%w: the Hyperband strategy needs TrainingJobEarlyStoppingType Off", ErrInvalidConfig)
		}
	}
	return nil
}

// initialRandom is the resolved InitialRandom.
func (c *Config) initialRandom() int {
	if c.InitialRandom > 0 {
		return c.InitialRandom
	}
	return min(max(c.Space.Len()+1, 3), 10)
}
