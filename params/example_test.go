package params_test

import (
	"fmt"

	"github.com/sagepipe/sagepipe/params"
)

// A Float parameter with a default, used in a Join the way a Fail step's
// message is built.
func Example() {
	threshold := params.Float("RMSEThreshold").WithDefault(15000)
	msg := params.Join(" ", "Execution failed due to RMSE >", threshold)

	def, _ := threshold.Default()
	fmt.Println(threshold.Name(), threshold.Type(), def)
	fmt.Println(msg)
	for ref := range msg.Refs() {
		fmt.Println("refers to", ref)
	}
	// Output:
	// RMSEThreshold Float 15000
	// Join(" ", ["Execution failed due to RMSE >", Parameters.RMSEThreshold])
	// refers to Parameters.RMSEThreshold
}

// ToString follows the SDK: String parameters stay as they are, other
// values are wrapped in a one-element Join.
func ExampleValue_ToString() {
	count := params.Integer("Count").WithDefault(2)
	name := params.String("Name")
	fmt.Println(count.Value().ToString())
	fmt.Println(name.Value().ToString())
	fmt.Println(params.PipelineExecutionID.Value().ToString())
	// Output:
	// Join("", [Parameters.Count])
	// Parameters.Name
	// Execution.PipelineExecutionId
}

// Builders record problems instead of failing.
func ExampleParam_WithEnum() {
	mode := params.String("Mode").WithDefault("a").WithEnum("a", "b")
	fmt.Println(mode.EnumValues())

	bad := params.Integer("Count").WithEnum("1", "2")
	fmt.Println(bad.Problems())
	// Output:
	// [a b]
	// [params: enum values on a non-String parameter: parameter "Count" is Integer]
}

// A JsonGet reads a value from a property file a processing step declares.
func ExampleJsonGet() {
	rmse := params.JsonGet[float64](params.StepName("EvaluateModel"), "EvaluationReport", "regression_metrics.rmse.value")
	fmt.Println(rmse)
	// Output:
	// JsonGet(Steps.EvaluateModel.PropertyFiles.EvaluationReport, "regression_metrics.rmse.value")
}
