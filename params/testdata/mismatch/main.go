// Package main must not compile: it passes a Float value where a String
// input is required. params' tests build it and check the compiler's
// refusal.
package main

import "github.com/sagepipe/sagepipe/params"

func needsString(params.Input[string]) {}

func main() {
	threshold := params.Float("RMSEThreshold").WithDefault(15000)
	needsString(threshold.Value()) // refused: Value[float64] is not Input[string]
	needsString(threshold)         // refused: *Param[float64] is not Input[string]
	needsString(threshold.Value().ToString())
}
