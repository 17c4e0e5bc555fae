package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/steps"
)

var update = flag.Bool("update", false, "rewrite the -image golden definition")

// testImage is the image of the -image tests.
const testImage = "111122223333.dkr.ecr.us-east-1.amazonaws.com/sagepipe-housing:v1"

// imageGolden is the -image definition of the default configuration.
const imageGolden = "testdata/seed-pipeline.image.json"

// imageSeed builds the seed with every Go step in testImage.
func imageSeed(t *testing.T) *Seed {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Image = testImage
	s, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestImageDefinition checks the -image definition against its golden
// file, and what makes each Go step run the image: the user's image with
// the entrypoint "/container step <StepName>" for a processing step, and
// for the tuning step the image with SAGEPIPE_STEP naming it and the
// objective's metric defined (a custom image has none predefined), no
// script, no code input and nothing to upload.
func TestImageDefinition(t *testing.T) {
	s := imageSeed(t)
	got, err := s.Pipeline.Definition()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(imageGolden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(imageGolden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("-image definition differs from %s (-want +got):\n%s", imageGolden, diff)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-definition", "-image", testImage}, &out); err != nil || !bytes.Equal(out.Bytes(), got) {
		t.Errorf("-definition -image printed another definition (%v)", err)
	}

	var def struct {
		Steps []struct {
			Name      string
			Arguments struct {
				AppSpecification struct {
					ImageUri            string
					ContainerEntrypoint []string
				}
				ProcessingInputs      []struct{ InputName string }
				TrainingJobDefinition struct {
					StaticHyperParameters  map[string]string
					AlgorithmSpecification struct {
						TrainingImage     string
						MetricDefinitions []struct{ Name, Regex string }
					}
					Environment map[string]string
				}
			}
		}
	}
	if err := json.Unmarshal(got, &def); err != nil {
		t.Fatal(err)
	}
	type goStep struct {
		Image      string
		Entrypoint []string
		Inputs     []string
		Env        map[string]string
		Static     []string
		Metrics    []string
	}
	gotSteps := map[string]goStep{}
	for _, st := range def.Steps {
		a := st.Arguments
		g := goStep{Image: a.AppSpecification.ImageUri, Entrypoint: a.AppSpecification.ContainerEntrypoint}
		for _, in := range a.ProcessingInputs {
			g.Inputs = append(g.Inputs, in.InputName)
		}
		if td := a.TrainingJobDefinition; td.AlgorithmSpecification.TrainingImage != "" {
			g.Image, g.Env = td.AlgorithmSpecification.TrainingImage, td.Environment
			for k := range td.StaticHyperParameters {
				g.Static = append(g.Static, k)
			}
			slices.Sort(g.Static)
			for _, m := range td.AlgorithmSpecification.MetricDefinitions {
				g.Metrics = append(g.Metrics, m.Name)
			}
		}
		if g.Image != "" {
			gotSteps[st.Name] = g
		}
	}
	wantSteps := map[string]goStep{
		"FeatureStoreIngestion": {Image: testImage, Entrypoint: []string{"/container", "step", "FeatureStoreIngestion"}, Inputs: []string{"input-1"}},
		"PreprocessData":        {Image: testImage, Entrypoint: []string{"/container", "step", "PreprocessData"}},
		"HPTuning": {Image: testImage, Env: map[string]string{"SAGEPIPE_STEP": "HPTuning"},
			Static: []string{"region", "role_arn"}, Metrics: []string{"validation:rmse"}},
		"EvaluateModel": {Image: testImage, Entrypoint: []string{"/container", "step", "EvaluateModel"}, Inputs: []string{"input-1", "input-2"}},
	}
	if diff := cmp.Diff(wantSteps, gotSteps); diff != "" {
		t.Errorf("Go steps (-want +got):\n%s", diff)
	}

	// Nothing to upload, and no local code missing: -aws -image needs
	// only the image.
	if got := stagedCode(s); len(got) != 0 {
		t.Errorf("the -image pipeline stages code: %q", got)
	}
	if missing, err := validate(s); len(missing) > 0 || err != nil {
		t.Errorf("Validate: missing %v, %v", missing, err)
	}
	scripts, err := Build(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if got := stagedCode(scripts); len(got) == 0 {
		t.Error("the script pipeline stages no code: the check above checks nothing")
	}
}

// stagedCode lists the uploads of local code the AWS engine would make
// for s's pipeline before upserting it.
func stagedCode(s *Seed) []string {
	proto := stepdef.Get[steps.Step, steps.Env]()
	env := s.Pipeline.Environment()
	var out []string
	for _, n := range s.Pipeline.Graph().Nodes {
		for _, u := range proto.Uploads(n.Step, &env) {
			out = append(out, n.Step.Name()+": "+u.URI)
		}
	}
	return out
}

// TestPlace checks how a container's feature-store step reads its role,
// region and account from the seed's arguments.
func TestPlace(t *testing.T) {
	const role = "arn:aws:iam::444455556666:role/service-role/R"
	tests := []struct {
		name    string
		args    scriptArgs
		account string // "": an error
	}{
		{"role and region", scriptArgs{"role_arn": role, "region": "eu-west-1"}, "444455556666"},
		{"no region", scriptArgs{"role_arn": role}, ""},
		{"no role", scriptArgs{"region": "eu-west-1"}, ""},
		{"not an ARN", scriptArgs{"role_arn": "MyRole", "region": "eu-west-1"}, ""},
		{"not IAM", scriptArgs{"role_arn": "arn:aws:s3:::bucket", "region": "eu-west-1"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotRole, region, account, err := place(tt.args)
			if tt.account == "" {
				if err == nil {
					t.Errorf("place = %q, %q, %q; want an error", gotRole, region, account)
				}
				return
			}
			if err != nil || gotRole != role || region != "eu-west-1" || account != tt.account {
				t.Errorf("place = %q, %q, %q, %v; want %q, eu-west-1, %q", gotRole, region, account, err, role, tt.account)
			}
		})
	}
}

// TestImageDefinitionKeysAsSDK checks that the -image definition's Go
// steps are written as SDK 2.257.6 writes a custom-image job: the members
// of a processing step's arguments and AppSpecification, and of a tuning
// step's training definition and AlgorithmSpecification, come in the
// order of the SDK's own definitions of a bring-your-own-container
// Processor (steps/testdata/sdk/byoc) and of a tuner over a generic
// Estimator with an environment (steps/testdata/sdk/tuning-generic).
func TestImageDefinitionKeysAsSDK(t *testing.T) {
	sdkStep := func(file, name string) *pyjson.Object {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("..", "..", "steps", "testdata", "sdk", file))
		if err != nil {
			t.Fatal(err)
		}
		return stepObject(t, b, name)
	}
	def, err := imageSeed(t).Pipeline.Definition()
	if err != nil {
		t.Fatal(err)
	}
	byoc := sdkStep("byoc.sdk-2.257.6.json", "Prep")
	tuner := sdkStep("tuning-generic.sdk-2.257.6.json", "Tune")
	checks := []struct {
		step string
		sdk  *pyjson.Object
		path []string
	}{
		{"FeatureStoreIngestion", byoc, []string{"Arguments"}},
		{"FeatureStoreIngestion", byoc, []string{"Arguments", "AppSpecification"}},
		{"PreprocessData", byoc, []string{"Arguments", "AppSpecification"}},
		{"EvaluateModel", byoc, []string{"Arguments", "AppSpecification"}},
		{"HPTuning", tuner, []string{"Arguments", "TrainingJobDefinition"}},
		{"HPTuning", tuner, []string{"Arguments", "TrainingJobDefinition", "AlgorithmSpecification"}},
	}
	for _, c := range checks {
		ours, sdk := keysAt(t, stepObject(t, def, c.step), c.path), keysAt(t, c.sdk, c.path)
		// Ours may leave out members the SDK's job sets; what it has
		// comes in the SDK's order.
		var want []string
		for _, k := range sdk {
			if slices.Contains(ours, k) {
				want = append(want, k)
			}
		}
		if diff := cmp.Diff(want, ours); diff != "" {
			t.Errorf("%s %v: members not in the SDK's order %q (-want +got):\n%s", c.step, c.path, sdk, diff)
		}
	}
}

// stepObject returns the step named name of the definition def, its
// members in file order.
func stepObject(t *testing.T, def []byte, name string) *pyjson.Object {
	t.Helper()
	v, err := pyjson.Unmarshal(def)
	if err != nil {
		t.Fatal(err)
	}
	steps, _ := v.(*pyjson.Object).Get("Steps")
	for _, s := range steps.([]any) {
		o := s.(*pyjson.Object)
		if n, _ := o.Get("Name"); n == name {
			return o
		}
	}
	t.Fatalf("no step %s", name)
	return nil
}

// keysAt returns the member names of the object at path under o.
func keysAt(t *testing.T, o *pyjson.Object, path []string) []string {
	t.Helper()
	for _, k := range path {
		v, ok := o.Get(k)
		if o, ok = v.(*pyjson.Object); !ok {
			t.Fatalf("no object at %v", path)
		}
	}
	return o.Keys()
}
