// Package hpo implements the search strategies of SageMaker's automatic
// model tuning for the local engine: Grid, Random, Bayesian and Hyperband
// over SageMaker's Continuous, Integer and Categorical ranges, with the
// median stopping rule of TrainingJobEarlyStoppingType Auto, warm start
// from earlier trials and a seed.
//
// # Search space
//
// NewSpace takes the ParameterRanges of a HyperParameterTuningJobConfig as
// the definition JSON holds them (Ranges unmarshals from it with
// encoding/json): bounds are strings, integers may be written "3" or
// "3.0". Bad ranges (MinValue above MaxValue, Logarithmic with MinValue <=
// 0, ReverseLogarithmic outside [0, 1) or on an integer range, an empty or
// duplicated categorical list, an unknown scaling type) are reported all
// at once, each a *RangeError naming its parameter and matching
// ErrInvalidRange.
//
// Each numeric parameter is searched on its scale: Linear uniformly
// between the bounds, Logarithmic uniformly in log(x), ReverseLogarithmic
// uniformly in log(1-x) (values crowd towards MaxValue, as for momentum
// terms near 1). Auto, whose rule SageMaker does not publish, is
// Logarithmic for a range of positive values spanning at least two decades
// (MaxValue/MinValue >= 100) and Linear otherwise. Integers are drawn as
// equal-width cells of their scale over [MinValue-0.5, MaxValue+0.5], so
// the end values are as likely as the others.
//
// A trial's hyperparameters come as Params: Strings and All give them as
// SageMaker passes them to a training job (continuous values in Python's
// float repr, integers in decimal, categorical values verbatim), and
// Float, Int and Category give them typed.
//
// # Driving a tuning job
//
// New returns a Tuner for a Config (strategy, objective type,
// MaxNumberOfTrainingJobs, MaxParallelTrainingJobs, early stopping type,
// Hyperband's resources, RandomSeed, warm-start observations). The engine
// loop is:
//
//	for !tu.Done() {
//		trials, err := tu.Suggest(ctx) // the trials that may start now
//		// start each trial; while it runs, after each step (epoch, round):
//		//     if stop, _ := tu.ShouldStop(tr.Index, step, value); stop { end it }
//		// when it ends: tu.Complete(tr.Index, finalValue) or tu.Fail(tr.Index, err)
//		// then wait for any running trial to end before calling Suggest again
//	}
//	ranked := tu.Ranked() // TrainingJobSummaries order; tu.Best() is BestTrainingJob
//
// Suggest, ShouldStop, Complete and Fail are safe to call from different
// goroutines. Suggest is cancellable through its context; the others never
// block.
//
// # Determinism
//
// With MaxParallel = P, trial i is created only once trials 0..i-P have all
// finished (completed, stopped or failed), and it is computed from exactly:
// the seed, i, the warm-start observations, the results of trials 0..i-P
// in index order, and the hyperparameters of trials i-P+1..i-1 (which the
// Bayesian strategy treats as pending). Results of trials after i-P are not
// used even if they have arrived, and every random draw comes from a
// generator seeded by (seed, i, purpose) alone. So at most P trials are in
// progress, and the same seed, Config and objective values give the same
// trials whatever the trials' durations and the order their results
// arrive in. The price is idle slots: new trials start when the oldest
// running trial ends, so a trial that ends before an older one leaves its
// slot empty until the older one ends (with equal durations nothing is
// lost). The computation is single-threaded and uses no map order or
// clock, so it repeats exactly on the same architecture with the same Go
// and gonum versions (floating-point kernels may round differently
// elsewhere). The same holds
// for early stopping: the median rule and Hyperband's rungs compare trial i
// only with trials 0..i-P, which had finished before it started. Changing P
// changes the trials (with P = 1 every trial sees all earlier results).
// Random and Grid trials depend on (seed, i) alone.
//
// # Strategies
//
// Grid runs every combination of categorical values once, the last range
// varying fastest (the Grid strategy takes categorical ranges only; a
// positive MaxJobs below the number of combinations runs the first ones).
//
// Random draws each parameter independently and uniformly on its scale.
//
// Bayesian runs InitialRandom random trials (default: parameters + 1,
// clamped to [3, 10], warm-start observations counting towards them) and
// then fits a Gaussian process to the observations: inputs in the unit cube
// (numeric parameters at their position on their scale, categorical ones
// one-hot), outputs standardised, a Matérn 5/2 kernel with one length scale
// per input column, signal and noise variances, all fitted by maximising
// the log marginal likelihood (with weak log-normal priors) by L-BFGS from
// three starts. The next trial maximises expected improvement over uniform
// random candidates and perturbations of the best observations, the best of
// which are refined by Nelder-Mead over the numeric columns (integers
// rounded, categorical columns held). Trials still pending enter the model
// as kriging-believer fantasies (their posterior mean taken as their
// result, and counted for the incumbent), so a batch of parallel trials
// spreads out instead of repeating one point. With P >= MaxJobs no trial sees a result, and Bayesian is
// random search by construction.
//
// Hyperband assigns trial i to one of Hyperband's brackets (in Hyperband's
// proportions, by index) and runs successive halving within each bracket:
// at each rung (a resource eta-fold larger than the last, up to
// MaxResource) a trial goes on only if its value is among the best
// ceil(n/eta) of the n values recorded at that rung in its bracket (by
// itself and the trials 0..i-P). Candidates are drawn at random. Trials
// that reach MaxResource complete; the others are Stopped early. The
// decisions come from ShouldStop, so Hyperband needs the engine to report
// intermediate values (a rung is decided at the first reported step at or
// past it); without them every trial runs to its end, as Random.
//
// # Warm start
//
// Config.WarmStart takes the finished trials of parent tuning jobs. The
// Bayesian model treats them as observations like its own (which is what
// IdenticalDataAndAlgorithm promises); whether TransferLearning parents
// are passed the same way is the engine's choice.
//
// # Early stopping
//
// With EarlyStopping Auto, ShouldStop applies the median stopping rule as
// SageMaker documents it: a trial whose objective at a step is worse than
// the median of the running averages of the objective of earlier trials up
// to that step is stopped (it needs three earlier trials that reached the
// step).
package hpo
