// Package synth generates seeded synthetic tabular data sets for the
// benchmarks and tests: dense float32 feature columns with a regression
// target and a binary class.
//
// Three generators cover different shapes of data:
//
//   - [Housing]: the housing distribution of the XGBoost baseline, eight
//     features of which several take few values, and a price.
//   - [Higgs]: 28 continuous features shaped like the UCI HIGGS data set
//     (momenta and masses skewed to the right, pseudorapidities roughly
//     normal, angles uniform in [-π, π], three-valued b-tags) and a noisy
//     signal/background class.
//   - [LowCard]: integer features with 2 to 10 values beside a few
//     continuous ones, and a log-normal target.
//
// Every generator draws from a PCG source seeded with the given seed and
// fills rows in order, so the same seed and row count give the same data,
// and the features and Target of a draw of n rows are the first n rows of
// any larger draw (Class, where it is a median split, depends on all
// rows). [Lookup]
// finds a generator by its name, as command-line flags spell it.
package synth
