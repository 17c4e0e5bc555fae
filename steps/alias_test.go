package steps_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/steps"
)

// aliasCase builds a step from values that mutate then changes.
type aliasCase struct {
	name   string
	build  func() steps.Step
	mutate func()
}

// TestBuildersCopyNestedData builds steps from values and then changes
// what those values point to, as a loop that reuses one value would: the
// steps built before must not change.
func TestBuildersCopyNestedData(t *testing.T) {
	env := testEnv()
	est := func(hps []steps.Member) steps.Estimator {
		return steps.Estimator{ImageURI: params.Lit("img"), InstanceType: lit("t"), InstanceCount: params.Lit(1), HyperParameters: hps}
	}
	tests := []aliasCase{
		func() (tc aliasCase) {
			src := &steps.MetricsSource{ContentType: lit("application/json"), S3URI: lit("s3://b/stats.json")}
			drift := &steps.MetricsSource{ContentType: lit("application/json"), S3URI: lit("s3://b/drift.json")}
			tc.name = "registration metrics sources"
			tc.build = func() steps.Step {
				return steps.RegisterModel("Reg", steps.Model{ImageURI: params.Lit("img")}, steps.Registration{
					ModelPackageGroupName: lit("g"),
					Metrics:               &steps.ModelMetrics{ModelStatistics: src},
					DriftCheck:            &steps.DriftCheckBaselines{ModelStatistics: drift},
				}).Steps()[0]
			}
			tc.mutate = func() { src.S3URI = lit("s3://b/changed.json"); drift.S3URI = lit("s3://b/changed.json") }
			return tc
		}(),
		func() (tc aliasCase) {
			types := []string{"Step.THROTTLING"}
			tc.name = "retry policy exception types"
			tc.build = func() steps.Step {
				return steps.Training("T", est(nil)).Retry(steps.RetryPolicy{ExceptionTypes: types, MaxAttempts: 3})
			}
			tc.mutate = func() { types[0] = "SageMaker.CAPACITY_ERROR" }
			return tc
		}(),
		func() (tc aliasCase) {
			list := []any{"a", []string{"b"}, []any{[]any{1}}}
			tc.name = "lambda input slices"
			tc.build = func() steps.Step {
				return steps.Lambda("L", "arn", []steps.Member{{Key: "in", Value: list}})
			}
			tc.mutate = func() {
				list[1].([]string)[0] = "changed"
				list[2].([]any)[0].([]any)[0] = 2
				list[0] = "changed"
			}
			return tc
		}(),
		func() (tc aliasCase) {
			vals := []string{"x", "y"}
			tc.name = "hyperparameter values"
			tc.build = func() steps.Step {
				return steps.Training("T", est([]steps.Member{{Key: "list", Value: vals}}))
			}
			tc.mutate = func() { vals[0] = "changed" }
			return tc
		}(),
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.build()
			before := encode(t, s, env)
			tt.mutate()
			if after := encode(t, s, env); after != before {
				t.Errorf("the step changed with the value it was built from:\n%s", cmp.Diff(before, after))
			}
		})
	}
}
