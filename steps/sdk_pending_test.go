package steps_test

// sdkPending lists the reference definitions under testdata/sdk that the DSL
// cannot rebuild yet, with what it lacks. TestSDKReference skips them by name
// and fails once one of them gains a builder, so that it leaves this list.
var sdkPending = map[string]string{
	"condition-nonfinite.sdk-2.257.6.json": "not JSON: the SDK writes the tokens NaN and Infinity; Definition and Validate refuse them instead, naming the parameter or operand (TestNonFiniteRefused)",
}
