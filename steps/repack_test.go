package steps_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

// A repacked model expands to its repack step first, which shares the
// model step's dependencies and retry policies; models the DSL cannot
// repack as the SDK does are refused with the repack step named.
func TestRepackModel(t *testing.T) {
	train, artifacts := sdkRepackTrain()
	good := steps.Model{ImageURI: params.Lit("fakeimage"), ModelData: artifacts,
		EntryPoint: "inference.py", SourceDir: "testdata/code/repack", Repack: true}
	ms := steps.CreateModel("M", good).DependsOn(train).Retry(steps.RetryPolicy{ExceptionTypes: []string{steps.StepServiceFault}, MaxAttempts: 2})
	var names []string
	for _, s := range ms.Steps() {
		names = append(names, s.Name())
	}
	if diff := cmp.Diff([]string{"M-RepackModel-0", "M-CreateModel"}, names); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
	def, err := pipeline.New("P").Steps(train, ms).Env(sdkEnv()).Definition()
	if err != nil {
		t.Fatal(err)
	}
	repack := string(def[strings.Index(string(def), `"M-RepackModel-0"`):strings.Index(string(def), `"M-CreateModel"`)])
	for _, want := range []string{`"DependsOn": ["Train"]`, `"RetryPolicies": [{`, `"Description": "Used to repack`} {
		if !strings.Contains(repack, want) {
			t.Errorf("repack step lacks %s:\n%s", want, repack)
		}
	}

	for _, tc := range []struct {
		name string
		edit func(*steps.Model)
		want string
	}{
		{"literal model data", func(m *steps.Model) { m.ModelData = params.Lit("s3://b/model.tar.gz") }, "pipeline variable"},
		{"no source dir", func(m *steps.Model) { m.SourceDir = "" }, "local SourceDir"},
		{"remote source dir", func(m *steps.Model) { m.SourceDir = "s3://b/src.tar.gz" }, "local SourceDir"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := good
			tc.edit(&m)
			_, err := pipeline.New("P").Steps(train, steps.CreateModel("M", m)).Env(sdkEnv()).Definition()
			if !errors.Is(err, steps.ErrInvalid) || !strings.Contains(err.Error(), `"M-RepackModel-0"`) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want ErrInvalid naming M-RepackModel-0 and %q", err, tc.want)
			}
		})
	}
}
