// Package pipeline assembles steps into a SageMaker pipeline, checks it,
// and writes (or reads) its definition JSON.
//
// # Assembly
//
// A Pipeline is an immutable value built fluently:
//
//	p := pipeline.New("housing").
//		Parameters(count, threshold).
//		Steps(prep, tune, evaluate, check).
//		Env(steps.Env{Bucket: "my-bucket", Region: "us-east-1", Role: role})
//
// Each call returns a new Pipeline. Steps are listed in definition order; a
// step collection (a Model step) stands for its sub-steps; a condition's
// branch steps live only inside the condition. The Env carries what the
// SageMaker SDK takes from its session and clock (bucket, region, role, a
// clock for timestamped job names), so a definition is reproducible.
//
// # The DAG
//
// The graph has three kinds of edge: explicit DependsOn, data references
// (a step property, a JsonGet of a property file, a Join holding them) and
// condition branches. Like SDK 2.257.6, a step that is referenced but not
// listed is appended after the listed steps, breadth first in discovery
// order. Graph returns the nodes and edges, Graph.Order a topological order
// (definition order among steps that are ready together); DOT and Mermaid
// draw the graph.
//
// # Checking
//
// Builders never fail; problems are collected. Validate returns every
// problem at once, each a *StepError (or *ParameterError) naming the step
// and wrapping one of the sentinels, so callers can test with errors.Is:
// duplicate and empty names, cycles, DependsOn on unknown steps, references
// to steps that are not in the pipeline, JsonGet on a property file the
// step does not declare, property files on outputs the step lacks,
// parameters used but not declared or used with another type, step names
// SageMaker does not accept, NaN and infinite numbers, values that cannot
// be written. A panic raised by a step's methods while the pipeline is
// compiled comes back as a *PanicError (with the stack) inside the step's
// *StepError.
//
// # The definition
//
// Definition returns the bytes the SageMaker Python SDK 2.257.6 writes for
// the same pipeline (Python json.dumps rules, the SDK's key order). It is
// exactly as permissive as the SDK, so it refuses only what the SDK refuses
// or what cannot be encoded; Validate is the strict check.
//
// # Parsing
//
// Parse reads a definition back into a Pipeline whose steps are known by
// their JSON, with typed parameters and params expressions, so Validate, Graph
// and the engines work on it. For every definition Parse accepts,
// Definition writes it back byte for byte in json.dumps form.
package pipeline
