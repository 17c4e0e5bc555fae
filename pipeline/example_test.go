package pipeline_test

import (
	"errors"
	"fmt"
	"os"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

// A pipeline with a parameter, a condition and a fail step, compiled to the
// definition JSON the SageMaker SDK would write.
func Example() {
	count := params.Integer("MyInt").WithDefault(2)
	check := steps.When("CondStep", steps.Equals[int](count, params.Lit(1)))
	fail := steps.Fail("FailStep", params.Join(": ", "Failed due to xxx == yyy returns", check.Properties().Outcome()))

	def, err := pipeline.New("MyPipeline").Parameters(count).Steps(check, fail).Definition()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(def))
	// Output:
	// {"Version": "2020-12-01", "Metadata": {}, "Parameters": [{"Name": "MyInt", "Type": "Integer", "DefaultValue": 2}], "PipelineExperimentConfig": {"ExperimentName": {"Get": "Execution.PipelineName"}, "TrialName": {"Get": "Execution.PipelineExecutionId"}}, "Steps": [{"Name": "CondStep", "Type": "Condition", "Arguments": {"Conditions": [{"Type": "Equals", "LeftValue": {"Get": "Parameters.MyInt"}, "RightValue": 1}], "IfSteps": [], "ElseSteps": []}}, {"Name": "FailStep", "Type": "Fail", "Arguments": {"ErrorMessage": {"Std:Join": {"On": ": ", "Values": ["Failed due to xxx == yyy returns", {"Get": "Steps.CondStep.Outcome"}]}}}}]}
}

// Validate reports every problem at once, each naming its step; errors.Is
// tells the kinds apart.
func ExamplePipeline_Validate() {
	threshold := params.Float("Threshold") // used below but never declared
	fail := steps.Fail("Fail", params.Join(" ", "RMSE above", threshold))
	check := steps.When("Check", steps.Equals[string](params.Lit("a"), params.Lit("b"))).Else(fail).DependsOnNames("Prepare")

	err := pipeline.New("p").Steps(check).Validate()
	fmt.Println(err)
	fmt.Println(errors.Is(err, pipeline.ErrUnknownStep), errors.Is(err, pipeline.ErrUndeclaredParameter))

	var se *pipeline.StepError
	if errors.As(err, &se) {
		fmt.Println("first problem is in step", se.Step)
	}
	// Output:
	// step "Check": pipeline: unknown step: DependsOn names "Prepare", which is not in the pipeline
	// step "Fail": pipeline: undeclared parameter: "Threshold" is used but not in the pipeline's parameters
	// true true
	// first problem is in step Check
}

// Parse reads a definition back; the parsed pipeline writes the same bytes
// and has a DAG.
func ExampleParse() {
	data, err := os.ReadFile("testdata/parse/fail-join-condition-outcome.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := pipeline.Parse(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	def, _ := p.Definition()
	fmt.Println(string(def) == string(data))
	for _, prm := range p.Params() {
		d, _ := prm.Default()
		fmt.Println(prm.Name(), prm.Type(), d)
	}
	for _, e := range p.Graph().Edges {
		fmt.Println(e.From, "->", e.To, e.Kind)
	}
	// Output:
	// true
	// MyInt Integer 2
	// CondStep -> FailStep data
}

// Mermaid draws the DAG; branch steps hang off their condition.
func ExamplePipeline_Mermaid() {
	register := steps.Fail("Register", params.Lit("placeholder for a register step"))
	stop := steps.Fail("Stop", params.Lit("too bad"))
	check := steps.When("Check", steps.Equals[bool](params.Boolean("Go").WithDefault(true), params.Lit(true))).
		Then(register).Else(stop)
	fmt.Print(pipeline.New("p").Steps(check).Mermaid())
	// Output:
	// flowchart TD
	//   s0{"Check<br/>Condition"}
	//   s1["Register<br/>Fail"]
	//   s2["Stop<br/>Fail"]
	//   s0 -->|if| s1
	//   s0 -->|else| s2
}
