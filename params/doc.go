// Package params holds pipeline parameters and the expression language of a
// SageMaker Pipelines definition.
//
// # Parameters
//
// A pipeline declares typed parameters that an execution may override:
//
//	threshold := params.Float("RMSEThreshold").WithDefault(15000)
//	mode := params.String("Mode").WithDefault("a").WithEnum("a", "b")
//
// Builders never fail and never change their receiver; a misuse (enum
// values on an Integer, a NaN default) is recorded and reported by the
// pipeline's Validate and Definition, all problems at once. A default is
// written whenever one was given, zero values included, as the SDK's
// "is not None" test does.
//
// # Typed values
//
// Value[T] is an immutable typed expression. Parameters, execution
// variables, step properties and Join all yield values; Lit lifts a Go
// constant. Slots that accept "a constant or a reference" take an Input[T],
// so passing a Float where a String is required does not compile:
//
//	var s params.Input[string] = threshold // compile error: *Param[float64]
//	var s params.Input[string] = threshold.Value().ToString() // fine
//
// The JSON kind of a constant follows its Go type: Lit(1) is written 1 and
// Lit(15000.0) is written 15000.0.
//
// # Expressions
//
// The node set is closed: Literal, Get (of a parameter, an execution
// variable, a step property, a property file or the experiment
// configuration), JoinExpr (Std:Join), JsonGetExpr (Std:JsonGet in both of
// its forms) and InvalidExpr, which records why a value cannot be written.
// Every node exposes its parts through accessors and knows what it refers
// to (Refs); Walk visits nested nodes. A step is known here only as a Source
// (something with a Name), so references keep the step they come from and
// a pipeline can draw its data edges from them.
//
// Expressions are serialised only by the pipeline compiler, which follows
// Python's JSON rules; Value.MarshalJSON fails on purpose.
//
// # Untyped slots
//
// Join values and other untyped slots take any: a Go constant, anything with
// an Expr() Expr method, or an Expr. From does the conversion; an unsupported
// Go type becomes an InvalidExpr carrying ErrType.
package params
