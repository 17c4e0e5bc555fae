package pipeline_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/internal/stepdef"
	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/pipeline"
	"github.com/sagepipe/sagepipe/steps"
)

// newRaw returns the step a parsed definition would hold for spec.
func newRaw(spec stepdef.RawSpec[steps.Step]) steps.Step {
	return stepdef.Get[steps.Step, steps.Env]().NewRaw(spec)
}

// raw builds a small step with the given arguments.
func raw(name string, args any, opts ...func(*stepdef.RawSpec[steps.Step])) steps.Step {
	spec := stepdef.RawSpec[steps.Step]{Name: name, Type: string(steps.TypeTraining), Arguments: args}
	for _, o := range opts {
		o(&spec)
	}
	return newRaw(spec)
}

func dependsOn(names ...string) func(*stepdef.RawSpec[steps.Step]) {
	return func(s *stepdef.RawSpec[steps.Step]) { s.Envelope.DependsOn = append(s.Envelope.DependsOn, names...) }
}

func dependsOnSteps(ss ...steps.Step) func(*stepdef.RawSpec[steps.Step]) {
	return func(s *stepdef.RawSpec[steps.Step]) {
		for _, d := range ss {
			s.Envelope.DependsOn = append(s.Envelope.DependsOn, d.Name())
			s.Envelope.DependsOnSteps = append(s.Envelope.DependsOnSteps, d)
		}
	}
}

func propertyFile(name, output string) func(*stepdef.RawSpec[steps.Step]) {
	return func(s *stepdef.RawSpec[steps.Step]) {
		s.Type = string(steps.TypeProcessing)
		s.Trailer = append(s.Trailer, stepdef.Member{Key: "PropertyFiles", Value: []any{
			pyjson.NewObject().Set("PropertyFileName", name).Set("OutputName", output).Set("FilePath", name+".json"),
		}})
	}
}

func outputs(names ...string) any {
	outs := make([]any, len(names))
	for i, n := range names {
		outs[i] = pyjson.NewObject().Set("OutputName", n)
	}
	return pyjson.NewObject().Set("ProcessingOutputConfig", pyjson.NewObject().Set("Outputs", outs))
}

func condition(name string, ifs, elses []steps.Step) steps.Step {
	args := pyjson.NewObject().Set("Conditions", []any{}).Set("IfSteps", nil).Set("ElseSteps", nil)
	return newRaw(stepdef.RawSpec[steps.Step]{Name: name, Type: string(steps.TypeCondition), Arguments: args, IfSteps: ifs, ElseSteps: elses})
}

func obj(kv ...any) *pyjson.Object {
	o := pyjson.NewObject()
	for i := 0; i < len(kv); i += 2 {
		o.Set(kv[i].(string), kv[i+1])
	}
	return o
}

// TestValidateProblems has one case per kind of problem: Validate must
// name the step (or parameter) and match the sentinel with errors.Is, and
// Definition must refuse exactly the problems the SDK refuses.
func TestValidateProblems(t *testing.T) {
	a := raw("A", obj())
	n := params.Integer("N")
	tests := []struct {
		name    string
		p       *pipeline.Pipeline
		want    error
		names   string // text the error must contain
		refused bool   // Definition refuses it too
	}{
		{"duplicate names", pipeline.New("p").Steps(a, raw("A", obj())), pipeline.ErrDuplicateName, `step "A"`, true},
		{"duplicate name in a branch", pipeline.New("p").Steps(a, condition("C", []steps.Step{raw("A", obj())}, nil)), pipeline.ErrDuplicateName, `step "A"`, true},
		{"duplicate parameters", pipeline.New("p").Parameters(n, params.Integer("N")), pipeline.ErrDuplicateName, `parameter "N"`, true},
		{"cycle", pipeline.New("p").Steps(raw("X", obj(), dependsOn("Y")), raw("Y", obj(), dependsOn("X"))), pipeline.ErrCycle, `step "X"`, true},
		{"cycle through data", pipeline.New("p").Steps(raw("X", obj("v", params.StepProperty[string](params.StepName("X"), "TrainingJobName")))), pipeline.ErrCycle, `step "X"`, true},
		{"DependsOn unknown step", pipeline.New("p").Steps(raw("B", obj(), dependsOn("Ghost"))), pipeline.ErrUnknownStep, `step "B"`, true},
		{"DependsOn by name on a step that is only appended", pipeline.New("p").Steps(raw("B", obj("x", params.StepProperty[string](raw("Hidden", obj()), "TrainingJobName"))), raw("C", obj(), dependsOn("Hidden"))), pipeline.ErrUnknownStep, `step "C"`, true},
		{"reference to a step not in the pipeline", pipeline.New("p").Steps(raw("B", obj("x", params.StepProperty[string](params.StepName("Ghost"), "ModelArtifacts.S3ModelArtifacts")))), pipeline.ErrUnknownStep, `step "B"`, false},
		{"JsonGet of an undeclared property file", pipeline.New("p").Steps(a, raw("B", obj("x", params.JsonGet[float64](a, "report", "rmse")))), pipeline.ErrPropertyFile, `step "B"`, false},
		{"property file on a missing output", pipeline.New("p").Steps(raw("P", outputs("train"), propertyFile("report", "evaluation"))), pipeline.ErrPropertyFile, `step "P"`, false},
		{"undeclared parameter", pipeline.New("p").Steps(raw("B", obj("n", n))), pipeline.ErrUndeclaredParameter, `step "B"`, false},
		{"undeclared parameter in a branch", pipeline.New("p").Steps(condition("C", nil, []steps.Step{raw("F", obj("n", n.Value().ToString()))})), pipeline.ErrUndeclaredParameter, `step "F"`, false},
		{"NaN literal", pipeline.New("p").Steps(raw("B", obj("x", params.Lit(math.NaN())))), pipeline.ErrNaN, `step "B"`, true},
		{"infinite float in arguments", pipeline.New("p").Steps(raw("B", obj("x", []any{math.Inf(-1)}))), pipeline.ErrNaN, `step "B"`, true},
		{"NaN in a join", pipeline.New("p").Steps(raw("B", obj("x", params.Join("", math.NaN())))), pipeline.ErrNaN, `step "B"`, true},
		{"NaN parameter default", pipeline.New("p").Parameters(params.Float("F").WithDefault(math.Inf(1))), pipeline.ErrNaN, `parameter "F"`, true},
		{"unsupported Go value", pipeline.New("p").Steps(raw("B", obj("x", map[string]int{}))), pipeline.ErrInvalidValue, `step "B"`, true},
		{"nil parameter used as a value", pipeline.New("p").Steps(steps.Fail("F", (*params.Param[string])(nil))), pipeline.ErrInvalidValue, `step "F"`, true},
		{"text that is not UTF-8", pipeline.New("p").Steps(steps.Fail("F", params.Lit("x\xff"))), pipeline.ErrInvalidValue, `step "F"`, true},
		{"display name that is not UTF-8", pipeline.New("p").Steps(steps.Fail("F", nil).DisplayName("\xfe")), pipeline.ErrInvalidValue, `step "F"`, true},
		{"join separator that is not UTF-8", pipeline.New("p").Steps(steps.Fail("F", params.Join("\xfe", "a"))), pipeline.ErrInvalidValue, `step "F"`, true},
		{"property path that is not UTF-8", pipeline.New("p").Steps(a, steps.Fail("F", steps.Property[string](a, "X\xfe"))), pipeline.ErrInvalidValue, `step "F"`, true},
		{"argument key that is not UTF-8", pipeline.New("p").Steps(raw("B", obj("k\xfe", 1))), pipeline.ErrInvalidValue, `step "B"`, true},
		{"enum value that is not UTF-8", pipeline.New("p").Parameters(params.String("S").WithEnum("\xfe")), pipeline.ErrInvalidValue, `parameter "S"`, true},
		{"parameter default that is not UTF-8", pipeline.New("p").Parameters(params.String("S").WithDefault("\xff")), pipeline.ErrInvalidValue, `parameter "S"`, true},
		{"enum on an integer parameter", pipeline.New("p").Parameters(params.Integer("I").WithEnum("1")), pipeline.ErrInvalidValue, `parameter "I"`, true},
		{"parameter used with another type", pipeline.New("p").Parameters(n).Steps(raw("B", obj("n", params.Float("N")))), pipeline.ErrParameterType, `step "B"`, false},
		{"step name SageMaker refuses", pipeline.New("p").Steps(raw("my step", obj())), pipeline.ErrInvalidName, `step "my step"`, false},
		{"step name too long", pipeline.New("p").Steps(raw(strings.Repeat("x", 65), obj())), pipeline.ErrInvalidName, `step "xxx`, false},
		{"empty step name", pipeline.New("p").Steps(raw("", obj())), pipeline.ErrEmptyName, `step ""`, true},
		{"empty parameter name", pipeline.New("p").Parameters(params.String("")), pipeline.ErrEmptyName, `parameter ""`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if !errors.Is(err, tt.want) {
				t.Fatalf("Validate() = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.names) {
				t.Errorf("Validate() = %q does not name %s", err, tt.names)
			}
			var se *pipeline.StepError
			var pe *pipeline.ParameterError
			if !errors.As(err, &se) && !errors.As(err, &pe) {
				t.Errorf("Validate() = %v holds no StepError or ParameterError", err)
			}
			_, derr := tt.p.Definition()
			if tt.refused != (derr != nil) {
				t.Errorf("Definition error = %v, refused want %v", derr, tt.refused)
			}
			if derr != nil && !errors.Is(derr, tt.want) {
				t.Errorf("Definition error = %v, want %v", derr, tt.want)
			}
		})
	}
}

// TestValidateAllAtOnce checks that one Validate call reports every
// problem of a pipeline that has many.
func TestValidateAllAtOnce(t *testing.T) {
	n := params.Integer("N")
	p := pipeline.New("p").Steps(
		raw("A", obj("x", params.Lit(math.NaN()))),
		raw("A", obj()),
		raw("B", obj("n", n), dependsOn("Ghost")),
		raw("C", obj("r", params.JsonGet[string](params.StepName("B"), "f", "p"))),
	)
	err := p.Validate()
	for _, want := range []error{pipeline.ErrNaN, pipeline.ErrDuplicateName, pipeline.ErrUndeclaredParameter, pipeline.ErrUnknownStep, pipeline.ErrPropertyFile} {
		if !errors.Is(err, want) {
			t.Errorf("Validate() misses %v; got:\n%v", want, err)
		}
	}
	if got := len(strings.Split(err.Error(), "\n")); got != 5 {
		t.Errorf("Validate() reported %d problems, want 5:\n%v", got, err)
	}
	if err := pipeline.New("ok").Parameters(n).Steps(raw("A", obj("n", n))).Validate(); err != nil {
		t.Errorf("Validate() of a sound pipeline = %v", err)
	}
}

// TestAutoAppend checks SDK 2.257.6's handling of steps that are referenced
// but not listed: they are appended breadth first, by DependsOn before data
// references, and branch steps are never appended.
func TestAutoAppend(t *testing.T) {
	deep := raw("Deep", obj())
	data := raw("Data", obj("x", params.StepProperty[string](deep, "TrainingJobName")))
	dep := raw("Dep", obj())
	branch := raw("Branch", obj())
	cond := condition("Cond", []steps.Step{branch}, nil)
	first := raw("First", obj("d", params.StepProperty[string](data, "ModelArtifacts.S3ModelArtifacts"), "b", params.StepProperty[string](branch, "TrainingJobName")), dependsOnSteps(dep))
	p := pipeline.New("p").Steps(first, cond)
	def, err := p.Definition()
	if err != nil {
		t.Fatal(err)
	}
	tree, err := pyjson.Unmarshal(def)
	if err != nil {
		t.Fatal(err)
	}
	ss, _ := tree.(*pyjson.Object).Get("Steps")
	var names []string
	for _, s := range ss.([]any) {
		n, _ := s.(*pyjson.Object).Get("Name")
		names = append(names, n.(string))
	}
	if got, want := strings.Join(names, " "), "First Cond Dep Data Deep"; got != want {
		t.Errorf("steps = %s, want %s", got, want)
	}
	if !strings.Contains(string(def), `"DependsOn": ["Dep"]`) {
		t.Errorf("explicit DependsOn missing: %s", def)
	}
	if strings.Count(string(def), `"Name": "Branch"`) != 1 {
		t.Errorf("branch step listed twice: %s", def)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("Validate() = %v", err)
	}
}

// TestBuilderCopiesResolveByName: a reference taken from one builder value
// of a step while a derived copy is listed points at the listed step rather
// than appending a second step with the same name.
func TestBuilderCopiesResolveByName(t *testing.T) {
	orig := raw("Train", obj())
	listed := raw("Train", obj("changed", true))
	user := raw("Use", obj("m", params.StepProperty[string](orig, "ModelArtifacts.S3ModelArtifacts")))
	def, err := pipeline.New("p").Steps(listed, user).Definition()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(def), `"Name": "Train"`) != 1 {
		t.Errorf("step appended twice: %s", def)
	}
}

func TestImmutableBuilders(t *testing.T) {
	base := pipeline.New("p").Parameters(params.String("A"))
	withB := base.Parameters(params.String("B"))
	withC := base.Parameters(params.String("C"))
	if len(base.Params()) != 1 || withB.Params()[1].Name() != "B" || withC.Params()[1].Name() != "C" {
		t.Errorf("builders share state: %d %v %v", len(base.Params()), withB.Params()[1].Name(), withC.Params()[1].Name())
	}
	s1 := base.Steps(raw("X", obj()))
	s2 := base.Steps(raw("Y", obj()))
	if s1.Entities()[0].Name() != "X" || s2.Entities()[0].Name() != "Y" || len(base.Entities()) != 0 {
		t.Error("Steps shares state")
	}
	if base.WithName("q").Name() != "q" || base.Name() != "p" {
		t.Error("WithName changed its receiver")
	}
}

func TestExperimentConfig(t *testing.T) {
	s := raw("A", obj())
	tests := []struct {
		name string
		p    *pipeline.Pipeline
		want string
	}{
		{"default", pipeline.New("p").Steps(s), `"PipelineExperimentConfig": {"ExperimentName": {"Get": "Execution.PipelineName"}, "TrialName": {"Get": "Execution.PipelineExecutionId"}}`},
		{"default in an Experiments region", pipeline.New("p").Steps(s).Env(steps.Env{Region: "eu-west-1"}), `"PipelineExperimentConfig": {"ExperimentName": {"Get": "Execution.PipelineName"}`},
		{"default dropped elsewhere", pipeline.New("p").Steps(s).Env(steps.Env{Region: "me-central-1"}), `"PipelineExperimentConfig": null`},
		{"none", pipeline.New("p").Steps(s).NoExperimentConfig(), `"PipelineExperimentConfig": null`},
		{"explicit kept everywhere", pipeline.New("p").Steps(s).Env(steps.Env{Region: "me-central-1"}).ExperimentConfig(params.Lit("exp"), params.Join("-", params.PipelineExecutionID, "t")),
			`"PipelineExperimentConfig": {"ExperimentName": "exp", "TrialName": {"Std:Join": {"On": "-", "Values": [{"Get": "Execution.PipelineExecutionId"}, "t"]}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			def, err := tt.p.Definition()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(def), tt.want) {
				t.Errorf("definition %s lacks %s", def, tt.want)
			}
		})
	}
	undeclared := pipeline.New("p").ExperimentConfig(params.String("E"), params.Lit("t"))
	if err := undeclared.Validate(); !errors.Is(err, pipeline.ErrUndeclaredParameter) {
		t.Errorf("Validate() = %v, want ErrUndeclaredParameter", err)
	}
}

func TestParametersRendering(t *testing.T) {
	p := pipeline.New("p").NoExperimentConfig().Parameters(
		params.String("InputData").WithDefault("s3://my-bucket/in"),
		params.String("Mode").WithDefault("a").WithEnum("a", "b"),
		params.Integer("Count").WithDefault(2),
		params.Float("Threshold").WithDefault(0.75),
		params.Float("Whole").WithDefault(1),
		params.Boolean("Flag").WithDefault(true),
		params.Float("NoDefault"),
	)
	def, err := p.Definition()
	if err != nil {
		t.Fatal(err)
	}
	// The example of the specification, section 3 (SDK output).
	want := `"Parameters": [{"Name": "InputData", "Type": "String", "DefaultValue": "s3://my-bucket/in"}, {"Name": "Mode", "Type": "String", "DefaultValue": "a", "EnumValues": ["a", "b"]}, {"Name": "Count", "Type": "Integer", "DefaultValue": 2}, {"Name": "Threshold", "Type": "Float", "DefaultValue": 0.75}, {"Name": "Whole", "Type": "Float", "DefaultValue": 1.0}, {"Name": "Flag", "Type": "Boolean", "DefaultValue": true}, {"Name": "NoDefault", "Type": "Float"}]`
	if !strings.Contains(string(def), want) {
		t.Errorf("definition %s lacks %s", def, want)
	}
}

// group is a step collection for tests.
type group struct {
	name string
	ss   []steps.Step
}

func (g group) Name() string        { return g.name }
func (g group) Steps() []steps.Step { return g.ss }

// TestCollections checks that a collection is listed as its steps and that
// a DependsOn on its name stands for all of them.
func TestCollections(t *testing.T) {
	g := group{"Model", []steps.Step{raw("Model-Repack", obj()), raw("Model-Register", obj())}}
	after := raw("After", obj(), dependsOn("Model"))
	p := pipeline.New("p").Steps(g, after)
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	var edges []string
	for _, e := range p.Graph().Edges {
		edges = append(edges, e.From+"->"+e.To)
	}
	if got, want := strings.Join(edges, " "), "Model-Repack->After Model-Register->After"; got != want {
		t.Errorf("edges = %s, want %s", got, want)
	}
	def, err := p.Definition()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(def), `{"Name": "Model-Repack", "Type": "Training", "Arguments": {}}, {"Name": "Model-Register"`) {
		t.Errorf("collection not expanded in order: %s", def)
	}
}

// TestNilEntries checks that nil and typed nil parameters and steps in the
// pipeline's lists are reported, not panicked on.
func TestNilEntries(t *testing.T) {
	tests := []struct {
		name string
		p    *pipeline.Pipeline
	}{
		{"nil parameter", pipeline.New("p").Parameters(nil)},
		{"typed nil parameter", pipeline.New("p").Parameters((*params.Param[int])(nil))},
		{"nil step", pipeline.New("p").Steps(nil)},
		{"typed nil step", pipeline.New("p").Steps((*steps.FailStep)(nil))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if !errors.Is(err, pipeline.ErrInvalidValue) || errors.Is(err, pipeline.ErrPanic) {
				t.Errorf("Validate() = %v, want ErrInvalidValue", err)
			}
			if _, err := tt.p.Definition(); !errors.Is(err, pipeline.ErrInvalidValue) {
				t.Errorf("Definition() error = %v, want ErrInvalidValue", err)
			}
		})
	}
}
