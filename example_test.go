package sagepipe_test

import (
	"encoding/json"
	"fmt"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

// An evaluation step writes evaluation.json; a condition reads its RMSE and
// either goes on or fails with a message joined from a parameter. This is
// the example of the README.
func Example() {
	threshold := params.Float("RMSEThreshold").WithDefault(15000.0)
	report := steps.PropertyFile{Name: "EvaluationReport", OutputName: "evaluation", Path: "evaluation.json"}
	evaluate := steps.Processing("EvaluateModel", steps.Processor{
		ImageURI:      params.Lit("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.0-1-cpu-py3"),
		Command:       []string{"python3"},
		Role:          params.Lit("arn:aws:iam::111122223333:role/SageMakerRole"),
		InstanceType:  params.Lit("ml.m5.xlarge"),
		InstanceCount: params.Lit(1),
	}, steps.ProcessingJob{
		Code:    "s3://my-bucket/code/evaluate.py",
		Outputs: []steps.ProcessingOutput{{Name: "evaluation", Source: params.Lit("/opt/ml/processing/evaluation")}},
	}).PropertyFiles(report)
	rmse := steps.JsonGet[float64](evaluate, report, "regression_metrics.rmse.value")
	fail := steps.Fail("RMSEFail", params.Join(" ", "Execution failed due to RMSE >", threshold))
	check := steps.When("CheckEvaluation", steps.LessThanOrEqualTo(rmse, threshold)).Else(fail)

	p := pipeline.New("housing").Parameters(threshold).Steps(evaluate, check)
	def, err := p.Definition() // the SageMaker JSON; p.Validate() lists every problem at once
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(def) > 0 && json.Valid(def))
	fmt.Print(p.Mermaid())
	// Output:
	// true
	// flowchart TD
	//   s0["EvaluateModel<br/>Processing"]
	//   s1{"CheckEvaluation<br/>Condition"}
	//   s2["RMSEFail<br/>Fail"]
	//   s0 -.-> s1
	//   s1 -->|else| s2
}
