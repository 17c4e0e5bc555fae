// Package stepdef is the rendering protocol between package steps, which
// builds steps, and the engines that read them (package pipeline's
// compiler, the local engine, the AWS engine).
//
// A step of package steps renders itself as an ordered JSON tree (see
// internal/pyjson) whose leaves may be params expressions. The protocol is
// not part of the public API: steps.Step is sealed, and package steps
// registers its Protocol here when it is initialised, once, before any
// importer of steps can run. Expressions are written by Extension, the
// pyjson extension that knows params.Expr.
package stepdef
