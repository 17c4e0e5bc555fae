// Package sagepipe lets a Go program describe an end-to-end machine-learning
// workflow once, as a value, and then either compile it to the exact
// SageMaker Pipelines definition JSON or run it in process.
//
// The module is organised in small packages:
//
//   - params: typed pipeline parameters and the expression language
//     (parameters, execution variables, Join, property references).
//   - steps: the step types of SageMaker Pipelines and their typed properties.
//   - pipeline: composing steps into a DAG, validation, the definition JSON
//     (and parsing it back), DOT and Mermaid rendering.
//   - actor: in-process actors and tasks in the style of Ray Core.
//   - dataset: lazy, streaming, columnar datasets in the style of Ray Data.
//   - boost: histogram gradient-boosted trees compatible with XGBoost.
//
// See the README for the two commands a newcomer runs and for benchmark
// figures.
package sagepipe
