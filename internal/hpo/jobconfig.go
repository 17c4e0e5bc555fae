package hpo

import (
	"encoding/json"
	"fmt"
)

// JobConfig is the HyperParameterTuningJobConfig of a tuning step's
// arguments in the definition JSON, with parameter expressions already
// resolved to their values. It unmarshals with encoding/json.
type JobConfig struct {
	Strategy       Strategy `json:"Strategy"`
	ResourceLimits struct {
		MaxNumberOfTrainingJobs int `json:"MaxNumberOfTrainingJobs"`
		MaxParallelTrainingJobs int `json:"MaxParallelTrainingJobs"`
	} `json:"ResourceLimits"`
	TrainingJobEarlyStoppingType     EarlyStopping `json:"TrainingJobEarlyStoppingType"`
	RandomSeed                       *int64        `json:"RandomSeed,omitempty"`
	HyperParameterTuningJobObjective struct {
		Type       ObjectiveType `json:"Type"`
		MetricName string        `json:"MetricName"`
	} `json:"HyperParameterTuningJobObjective"`
	ParameterRanges Ranges `json:"ParameterRanges"`
	StrategyConfig  *struct {
		HyperbandStrategyConfig *HyperbandConfig `json:"HyperbandStrategyConfig,omitempty"`
	} `json:"StrategyConfig,omitempty"`
}

// ParseJobConfig reads a resolved HyperParameterTuningJobConfig object.
func ParseJobConfig(data []byte) (JobConfig, error) {
	var j JobConfig
	if err := json.Unmarshal(data, &j); err != nil {
		return j, fmt.Errorf("%w: HyperParameterTuningJobConfig: %v", ErrInvalidConfig, err)
	}
	return j, nil
}

// Config builds the tuner's Config: the search space from
// ParameterRanges, the strategy, objective type, limits, early stopping
// type, Hyperband's resources and RandomSeed (0 when absent; SageMaker
// then picks one). The caller adds WarmStart and Logger, and, when the
// Hyperband strategy's MaxResource is absent, sets it from the epochs
// static hyperparameter as SageMaker does.
func (j JobConfig) Config() (Config, error) {
	space, err := NewSpace(j.ParameterRanges)
	if err != nil {
		return Config{}, err
	}
	c := Config{
		Space:         space,
		Strategy:      j.Strategy,
		Objective:     j.HyperParameterTuningJobObjective.Type,
		MaxJobs:       j.ResourceLimits.MaxNumberOfTrainingJobs,
		MaxParallel:   j.ResourceLimits.MaxParallelTrainingJobs,
		EarlyStopping: j.TrainingJobEarlyStoppingType,
	}
	if j.RandomSeed != nil {
		c.Seed = *j.RandomSeed
	}
	if j.StrategyConfig != nil && j.StrategyConfig.HyperbandStrategyConfig != nil {
		h := *j.StrategyConfig.HyperbandStrategyConfig
		c.Hyperband = &h
	}
	return c, nil
}
