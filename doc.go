// Package sagepipe lets a Go program describe an end-to-end machine-learning
// workflow once, as a value, and then either compile it to the exact
// SageMaker Pipelines definition JSON or run it in process.
//
// This package holds no code: it is the entry point of the documentation.
// The work is done by the packages below; the package example shows them
// together.
//
// # A pipeline is a value
//
// Parameters come from package params (params.Float("RMSEThreshold")),
// steps from package steps (steps.Processing, steps.Training,
// steps.When …), and pipeline.New puts them together. Every builder
// returns a new value and never fails: problems are recorded and reported
// all at once, each naming its step or parameter, by Validate and
// Definition. References between steps are typed — a step's properties
// (prep.Properties().Output("train").S3URI()) and property-file reads
// (steps.JsonGet[float64]) are params.Value[T] values, so passing a float
// where a string is expected does not compile — and they draw the edges of
// the DAG without an explicit DependsOn.
//
// # Compiling to SageMaker
//
// Pipeline.Definition returns the bytes the SageMaker Python SDK 2.257.6
// writes for the same pipeline; pipeline.Parse reads such a definition
// back into a Pipeline. Values the SDK computes from the clock or from
// randomness (timestamped job names, unique suffixes) come from the
// steps.Env given to the pipeline, so tests can freeze them. DOT and
// Mermaid render the DAG. The command in examples/housing builds the
// housing-price workflow this module is measured against and prints its
// definition with -definition.
//
// # Running in process
//
// The compute a workflow needs is written in Go:
//
//   - actor: a System of logical resources running actors (stateful
//     workers with mailboxes) and tasks, with typed futures, retries,
//     restarts, object refs and actor pools, in the style of Ray Core.
//   - dataset: lazy, streaming, columnar datasets executed with bounded
//     memory on an actor.System, with CSV and parquet IO, seeded shuffles
//     and splits, and preprocessors, in the style of Ray Data.
//   - boost: histogram gradient-boosted trees with XGBoost's hist
//     semantics, whose models are saved and loaded in XGBoost's JSON
//     format.
//
// The local engine that runs a Pipeline on these packages, step by step,
// is not part of this version yet.
//
// # Conventions
//
// Functions that wait (actor futures and pools, dataset iteration and
// writes) take a context.Context first. Each
// package exports a few sentinel errors with its name as prefix
// ("pipeline: dependency cycle"), wrapped with the step, column, file or
// parameter concerned, and typed errors (pipeline.StepError,
// actor.ActorError …) for what callers branch on; match them with
// errors.Is and errors.As. A panic in user code (an actor call, a task, a
// step's methods) comes back as a typed error carrying the stack.
// Seeded operations take their seed as an argument.
package sagepipe
