package local_test

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

// hostileName is a step name that would run script if it reached the page
// unescaped.
const hostileName = `<script>alert("step")</script><img src=x onerror=alert(1)> & "Notify" 'it'`

// fixtureT0 is when the fixture's execution starts.
var fixtureT0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func fixtureAt(d time.Duration) time.Time { return fixtureT0.Add(d) }

// fixturePipeline is a small training pipeline: preprocessing, a cached
// baseline, training, evaluation and a condition whose branches register
// the model and notify, or fail. One step has a hostile name.
func fixturePipeline() *pipeline.Pipeline {
	threshold := params.Float("RMSEThreshold").WithDefault(15000.0)
	proc := steps.Processor{
		ImageURI:      params.Lit("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.0-1-cpu-py3"),
		Command:       []string{"python3"},
		Role:          params.Lit("arn:aws:iam::111122223333:role/SageMakerRole"),
		InstanceType:  params.Lit("ml.m5.xlarge"),
		InstanceCount: params.Lit(1),
	}
	prep := steps.Processing("Preprocess", proc, steps.ProcessingJob{
		Code: "s3://bucket/code/preprocess.py",
		Outputs: []steps.ProcessingOutput{
			{Name: "train", Source: params.Lit("/opt/ml/processing/train")},
			{Name: "validation", Source: params.Lit("/opt/ml/processing/validation")},
			{Name: "test", Source: params.Lit("/opt/ml/processing/test")},
		},
	})
	baseline := steps.Processing("Baseline", proc, steps.ProcessingJob{
		Code:    "s3://bucket/code/baseline.py",
		Outputs: []steps.ProcessingOutput{{Name: "baseline", Source: params.Lit("/opt/ml/processing/baseline")}},
	}).DependsOn(prep)
	train := steps.Processing("TrainModel", proc, steps.ProcessingJob{
		Code: "s3://bucket/code/train.py",
		Inputs: []steps.ProcessingInput{
			{Name: params.Lit("train"), Source: prep.Properties().Output("train").S3URI(), Destination: params.Lit("/opt/ml/processing/train")},
			{Name: params.Lit("validation"), Source: prep.Properties().Output("validation").S3URI(), Destination: params.Lit("/opt/ml/processing/validation")},
		},
		Outputs: []steps.ProcessingOutput{{Name: "model", Source: params.Lit("/opt/ml/processing/model")}},
	})
	report := steps.PropertyFile{Name: "EvaluationReport", OutputName: "evaluation", Path: "evaluation.json"}
	evaluate := steps.Processing("EvaluateModel", proc, steps.ProcessingJob{
		Code: "s3://bucket/code/evaluate.py",
		Inputs: []steps.ProcessingInput{
			{Name: params.Lit("model"), Source: train.Properties().Output("model").S3URI(), Destination: params.Lit("/opt/ml/processing/model")},
			{Name: params.Lit("test"), Source: prep.Properties().Output("test").S3URI(), Destination: params.Lit("/opt/ml/processing/test")},
		},
		Outputs: []steps.ProcessingOutput{{Name: "evaluation", Source: params.Lit("/opt/ml/processing/evaluation")}},
	}).PropertyFiles(report).DependsOn(baseline)
	rmse := steps.JsonGet[float64](evaluate, report, "regression_metrics.rmse.value")
	register := steps.Lambda("RegisterModel", "arn:aws:lambda:us-east-1:111122223333:function:register",
		[]steps.Member{{Key: "model", Value: train.Properties().Output("model").S3URI()}},
		steps.OutputParameter{Name: "version"})
	notify := steps.Callback(hostileName, "https://sqs.us-east-1.amazonaws.com/111122223333/notify",
		[]steps.Member{{Key: "rmse", Value: rmse}}).DependsOn(register)
	fail := steps.Fail("RMSEFail", params.Join(" ", "Execution failed due to RMSE >", threshold))
	check := steps.When("CheckRMSE", steps.LessThanOrEqualTo(rmse, threshold)).Then(register, notify).Else(fail)
	return pipeline.New("housing").Parameters(threshold).Steps(prep, baseline, train, evaluate, check)
}

// fixtureExecution is a failed execution of fixturePipeline: the
// condition took the else branch and the Fail step ended the run; the
// baseline came from the cache, training succeeded on its third attempt and
// logged metrics per iteration, the branch steps did not run.
func fixtureExecution() *pipeline.Execution {
	raw := func(v any) json.RawMessage {
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		return b
	}
	var trainMetrics []pipeline.Metric
	for i := range 30 {
		trainMetrics = append(trainMetrics,
			pipeline.Metric{Name: "train:rmse", Value: 40000*math.Exp(-float64(i)/8) + 9000, Step: i, Time: fixtureAt(20*time.Second + time.Duration(i)*time.Second)},
			pipeline.Metric{Name: "validation:rmse", Value: 42000*math.Exp(-float64(i)/9) + 16000, Step: i, Time: fixtureAt(20*time.Second + time.Duration(i)*time.Second)})
	}
	trainMetrics = append(trainMetrics, pipeline.Metric{Name: `</title><script>alert("metric")</script>`, Value: 1, Step: -1})
	var trainLog []string
	for i := range 30 {
		trainLog = append(trainLog, fmt.Sprintf("[%d]\ttrain-rmse:%.2f\tvalidation-rmse:%.2f", i, trainMetrics[2*i].Value, trainMetrics[2*i+1].Value))
	}
	return &pipeline.Execution{
		ID:            "exec-20260102-030405-7f3a",
		Pipeline:      "housing",
		DisplayName:   "nightly <b>retrain</b>",
		Status:        pipeline.ExecutionFailed,
		FailureReason: "Step RMSEFail failed: Execution failed due to RMSE > 15000.0",
		Start:         fixtureT0,
		End:           fixtureAt(75 * time.Second),
		Parameters: map[string]json.RawMessage{
			"RMSEThreshold":             raw(15000.0),
			"InputData":                 raw("s3://bucket/raw/house_pricing.csv"),
			"<script>alert(3)</script>": raw(`"><script>alert(4)</script>`),
			"TrainInstanceCount":        raw(1),
			"UseSpot":                   raw(false),
		},
		Steps: []pipeline.StepRecord{
			{
				Name: "Preprocess", Type: "Processing", Status: pipeline.StepSucceeded,
				Start: fixtureAt(100 * time.Millisecond), End: fixtureAt(12 * time.Second), Attempts: 1,
				Arguments: raw(map[string]any{"ProcessingJobName": "Preprocess-abc", "AppSpecification": map[string]any{"ImageUri": "sklearn", "ContainerEntrypoint": []string{"python3", "/opt/ml/processing/input/code/preprocess.py"}}}),
				Outputs: map[string]string{
					"train":      "s3://bucket/housing/exec-20260102-030405-7f3a/Preprocess/output/train",
					"validation": "s3://bucket/housing/exec-20260102-030405-7f3a/Preprocess/output/validation",
					"test":       "s3://bucket/housing/exec-20260102-030405-7f3a/Preprocess/output/test",
				},
				Properties: raw(map[string]any{"ProcessingJobName": "Preprocess-abc", "ProcessingJobStatus": "Completed"}),
				Log:        []string{"read 10000 rows", "wrote 7000 train, 1500 validation, 1500 test rows"},
			},
			{
				Name: "Baseline", Type: "Processing", Status: pipeline.StepSucceeded,
				Start: fixtureAt(12 * time.Second), End: fixtureAt(12*time.Second + 20*time.Millisecond), CachedFrom: "exec-20260101-220000-11aa",
				Outputs: map[string]string{"baseline": "s3://bucket/housing/exec-20260101-220000-11aa/Baseline/output/baseline"},
			},
			{
				Name: "TrainModel", Type: "Processing", Status: pipeline.StepSucceeded,
				Start: fixtureAt(12 * time.Second), End: fixtureAt(52 * time.Second), Attempts: 3,
				Arguments: raw(map[string]any{"ProcessingJobName": "TrainModel-def", "ProcessingResources": map[string]any{"ClusterConfig": map[string]any{"InstanceCount": 1, "InstanceType": "ml.m5.xlarge"}}}),
				Outputs:   map[string]string{"model": "s3://bucket/housing/exec-20260102-030405-7f3a/TrainModel/output/model"},
				Metrics:   trainMetrics,
				Log:       append([]string{"attempt 1: CAPACITY_ERROR, retrying in 1s", "attempt 2: CAPACITY_ERROR, retrying in 2s", `</pre><script>alert("log")</script>`}, trainLog...),
			},
			{
				Name: "EvaluateModel", Type: "Processing", Status: pipeline.StepSucceeded,
				Start: fixtureAt(52 * time.Second), End: fixtureAt(63 * time.Second), Attempts: 1,
				Outputs:    map[string]string{"evaluation": `s3://bucket/housing/"><script>alert(5)</script>/evaluation`},
				Metrics:    []pipeline.Metric{{Name: "test:rmse", Value: 18250.5, Step: -1}},
				Properties: raw(map[string]any{"ProcessingJobStatus": "Completed"}),
			},
			{
				Name: "CheckRMSE", Type: "Condition", Status: pipeline.StepSucceeded,
				Start: fixtureAt(63 * time.Second), End: fixtureAt(63*time.Second + 5*time.Millisecond), Attempts: 1,
				Properties: raw(map[string]any{"Outcome": false}),
			},
			{Name: "RegisterModel", Type: "Lambda", Status: pipeline.StepNotRun, FailureReason: "on the if branch of CheckRMSE, which was not taken"},
			{Name: hostileName, Type: "Callback", Status: pipeline.StepNotRun, FailureReason: `<img src=x onerror=alert("reason")> not taken`},
			{
				Name: "RMSEFail", Type: "Fail", Status: pipeline.StepFailed,
				Start: fixtureAt(63 * time.Second), End: fixtureAt(75 * time.Second), Attempts: 1,
				FailureReason: "Execution failed due to RMSE > 15000.0",
			},
		},
	}
}
