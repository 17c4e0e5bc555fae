package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sagepipe/sagepipe/internal/pyjson"
)

func goldens(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/parse/*.json")
	if err != nil || len(files) < 8 {
		t.Fatalf("golden definitions missing: %v %v", files, err)
	}
	return files
}

// TestParseRoundTrip parses every SDK-produced definition and writes it
// back: the bytes must be identical.
func TestParseRoundTrip(t *testing.T) {
	for _, file := range goldens(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Parse(data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got, err := p.Definition()
			if err != nil {
				t.Fatalf("Definition: %v", err)
			}
			if string(got) != string(data) {
				t.Errorf("round trip differs:\n got %s\nwant %s", got, data)
			}
		})
	}
}

// TestParseStructure checks that a parsed definition is more than bytes:
// parameters are typed, steps are known with their DAG, and references are
// expressions.
func TestParseStructure(t *testing.T) {
	data, err := os.ReadFile("testdata/parse/seed-pipeline.sdk-2.257.6.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	var ps []string
	for _, prm := range p.Params() {
		d, _ := prm.Default()
		ps = append(ps, prm.Name()+":"+string(prm.Type())+":"+fmtAny(d))
	}
	want := "ProcessingInstanceCount:Integer:1 FeatureGroupName:String:fs-ray-synthetic-housing-data TrainSize:String:0.6 ValidationSize:String:0.2 TestSize:String:0.2 Bucket_Prefix:String:aws-ray-mlops-workshop/feature-store RMSEThreshold:Float:15000.0"
	if got := strings.Join(ps, " "); got != want {
		t.Errorf("parameters:\n got %s\nwant %s", got, want)
	}
	g := p.Graph()
	var nodes []string
	for _, n := range g.Nodes {
		s := n.Step.Name()
		if n.Condition != "" {
			s += "(" + n.Branch.String() + " " + n.Condition + ")"
		}
		nodes = append(nodes, s)
	}
	wantNodes := "FeatureStoreIngestion PreprocessData HPTuning EvaluateModel CheckEvaluation RegisterTrainedModel-RegisterModel(if CheckEvaluation) RMSEFail(else CheckEvaluation)"
	if got := strings.Join(nodes, " "); got != wantNodes {
		t.Errorf("nodes:\n got %s\nwant %s", got, wantNodes)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("Validate of the seed pipeline: %v", err)
	}
}

func fmtAny(v any) string {
	b, _ := pyjson.Marshal(v)
	return strings.Trim(string(b), `"`)
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"not json", `{`, "syntax error"},
		{"not an object", `[]`, "must be an object"},
		{"missing keys", `{"Version": "2020-12-01"}`, "must be an object with"},
		{"wrong version", `{"Version": "2021", "Metadata": {}, "Parameters": [], "PipelineExperimentConfig": null, "Steps": []}`, "Version"},
		{"metadata", `{"Version": "2020-12-01", "Metadata": {"a": 1}, "Parameters": [], "PipelineExperimentConfig": null, "Steps": []}`, "Metadata"},
		{"float default on integer", `{"Version": "2020-12-01", "Metadata": {}, "Parameters": [{"Name": "N", "Type": "Integer", "DefaultValue": 1.0}], "PipelineExperimentConfig": null, "Steps": []}`, "does not fit"},
		{"enum on integer", `{"Version": "2020-12-01", "Metadata": {}, "Parameters": [{"Name": "N", "Type": "Integer", "EnumValues": ["a"]}], "PipelineExperimentConfig": null, "Steps": []}`, "EnumValues"},
		{"unknown type", `{"Version": "2020-12-01", "Metadata": {}, "Parameters": [{"Name": "N", "Type": "Int"}], "PipelineExperimentConfig": null, "Steps": []}`, "unknown type"},
		{"step without arguments", `{"Version": "2020-12-01", "Metadata": {}, "Parameters": [], "PipelineExperimentConfig": null, "Steps": [{"Name": "A", "Type": "Training"}]}`, "Name, Type and Arguments"},
		{"step keys out of order", `{"Version": "2020-12-01", "Metadata": {}, "Parameters": [], "PipelineExperimentConfig": null, "Steps": [{"Type": "Training", "Name": "A", "Arguments": {}}]}`, "Name and Type"},
		{"bad branch", `{"Version": "2020-12-01", "Metadata": {}, "Parameters": [], "PipelineExperimentConfig": null, "Steps": [{"Name": "C", "Type": "Condition", "Arguments": {"Conditions": [], "IfSteps": [1], "ElseSteps": []}}]}`, "IfSteps[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			if !errors.Is(err, ErrParse) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse error = %v, want ErrParse containing %q", err, tt.want)
			}
		})
	}
}

// TestParseCanonicalises accepts indented input and writes it in json.dumps
// form.
func TestParseCanonicalises(t *testing.T) {
	in := "{\n  \"Version\": \"2020-12-01\",\n  \"Metadata\": {},\n  \"Parameters\": [],\n  \"PipelineExperimentConfig\": null,\n  \"Steps\": [{\"Name\": \"A\", \"Type\": \"Training\", \"Arguments\": {\"X\": [1, 2.50]}, \"DisplayName\": \"\"}]\n}\n"
	p, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.Definition()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version": "2020-12-01", "Metadata": {}, "Parameters": [], "PipelineExperimentConfig": null, "Steps": [{"Name": "A", "Type": "Training", "Arguments": {"X": [1, 2.5]}, "DisplayName": ""}]}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	// Envelope members out of the SDK's order are kept verbatim.
	odd := `{"Version": "2020-12-01", "Metadata": {}, "Parameters": [], "PipelineExperimentConfig": null, "Steps": [{"Name": "A", "Type": "Training", "Arguments": {}, "CacheConfig": {"Enabled": true}, "DisplayName": "x", "DependsOn": ["A"]}]}`
	p, err = Parse([]byte(odd))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := p.encode(p.compile()); err != nil || string(got) != odd {
		t.Errorf("got  %s (%v)\nwant %s", got, err, odd)
	}
}

// TestParseExpressions round-trips every expression form and checks that
// the parser recovered them as expressions (references reach the DAG and
// Validate) or left unknown shapes alone.
func TestParseExpressions(t *testing.T) {
	in := `{"Version": "2020-12-01", "Metadata": {}, "Parameters": [{"Name": "P", "Type": "String", "EnumValues": ["a", "b"]}], "PipelineExperimentConfig": {"ExperimentName": "exp", "TrialName": {"Get": "Execution.PipelineExecutionId"}}, "Steps": [` +
		`{"Name": "A", "Type": "Processing", "Arguments": {"ProcessingOutputConfig": {"Outputs": [{"OutputName": "out"}]}}, "PropertyFiles": [{"PropertyFileName": "pf", "OutputName": "out", "FilePath": "f.json"}]}, ` +
		`{"Name": "B", "Type": "Training", "Arguments": {` +
		`"exec": {"Get": "Execution.StartDateTime"}, "exp": {"Get": "PipelineExperimentConfig.TrialName"}, "param": {"Get": "Parameters.P"}, ` +
		`"whole": {"Get": "Steps.A"}, "prop": {"Get": "Steps.A.ProcessingOutputConfig.Outputs['out'].S3Output.S3Uri"}, ` +
		`"jsonget": {"Std:JsonGet": {"PropertyFile": {"Get": "Steps.A.PropertyFiles.pf"}, "Path": "a.b"}}, ` +
		`"s3": {"Std:JsonGet": {"S3Uri": {"Std:Join": {"On": "/", "Values": ["s3:/", "b", {"Get": "Execution.PipelineExecutionId"}, 1, 2.5, true, null, 123456789012345678901234567890]}}, "Path": "x"}}, ` +
		`"s3lit": {"Std:JsonGet": {"S3Uri": "s3://b/k", "Path": "x"}}, ` +
		`"plain": [{"Get": 5}, {"Get": "Other.X"}, {"Get": "Steps.A."}, {"Get": "NoDot"}, {"Get": "Steps.A", "More": 1}, {"Std:Join": {"On": "", "Values": [[1]]}}, {"Std:Join": {"Values": [], "On": ""}}, {"Std:JsonGet": {"PropertyFile": {"Get": "Parameters.P"}, "Path": "x"}}, {"Std:JsonGet": {"Path": "x", "S3Uri": "s3://b"}}]` +
		`}}]}`
	p, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	def, err := p.Definition()
	if err != nil || string(def) != in {
		t.Fatalf("round trip: %v\n got %s\nwant %s", err, def, in)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("Validate() = %v", err)
	}
	c := p.compile()
	var refs []string
	for _, n := range c.nodes {
		for _, r := range n.refs {
			refs = append(refs, n.step.Name()+":"+r.Kind.String()+":"+r.String())
		}
	}
	want := []string{
		"B:Execution:Execution.StartDateTime",
		"B:Experiment:PipelineExperimentConfig.TrialName",
		"B:Parameter:Parameters.P",
		"B:Property:Steps.A",
		"B:Property:Steps.A.ProcessingOutputConfig.Outputs['out'].S3Output.S3Uri",
		"B:PropertyFile:Steps.A.PropertyFiles.pf",
		"B:Execution:Execution.PipelineExecutionId",
		"B:Parameter:Parameters.P", // inside a malformed Std:JsonGet, kept as a plain object
	}
	if diff := cmp.Diff(want, refs); diff != "" {
		t.Errorf("references (-want +got):\n%s", diff)
	}
	if got := p.Graph().Edges; len(got) != 1 || got[0] != (Edge{From: "A", To: "B", Kind: DataEdge}) {
		t.Errorf("edges = %v", got)
	}

	// A JsonGet of a property file A does not declare is reported.
	bad := strings.Replace(in, "PropertyFiles.pf", "PropertyFiles.other", 1)
	p, err = Parse([]byte(bad))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); !errors.Is(err, ErrPropertyFile) || !strings.Contains(err.Error(), `step "B"`) {
		t.Errorf("Validate() = %v, want ErrPropertyFile naming B", err)
	}
}

// TestParseRetryPolicies checks that retry policies steps.RetryPolicy can
// write become part of the step's envelope (so engines see them) and that
// others are kept verbatim.
func TestParseRetryPolicies(t *testing.T) {
	head := `{"Version": "2020-12-01", "Metadata": {}, "Parameters": [], "PipelineExperimentConfig": null, "Steps": [{"Name": "A", "Type": "Training", "Arguments": {}, "DisplayName": "a", "RetryPolicies": `
	tests := []struct {
		name, policies string
		envelope       int
	}{
		{"max attempts", `[{"BackoffRate": 2.0, "IntervalSeconds": 1, "MaxAttempts": 3, "ExceptionType": ["Step.THROTTLING"]}, {"BackoffRate": 1.5, "IntervalSeconds": 10, "ExpireAfterMin": 60, "ExceptionType": ["SageMaker.JOB_INTERNAL_ERROR", "SageMaker.CAPACITY_ERROR"]}]`, 2},
		{"integer backoff rate", `[{"BackoffRate": 2, "IntervalSeconds": 1, "MaxAttempts": 3, "ExceptionType": []}]`, 0},
		{"both limits", `[{"BackoffRate": 2.0, "IntervalSeconds": 1, "MaxAttempts": 3, "ExpireAfterMin": 5, "ExceptionType": []}]`, 0},
		{"not a list", `{}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := head + tt.policies + `, "CacheConfig": {"Enabled": false}}]}`
			p, err := Parse([]byte(in))
			if err != nil {
				t.Fatal(err)
			}
			if def, err := p.Definition(); err != nil || string(def) != in {
				t.Fatalf("round trip: %v\n got %s\nwant %s", err, def, in)
			}
			s := p.Entities()[0].Steps()[0]
			if got := len(stepProtocol().Envelope(s).RetryPolicies); got != tt.envelope {
				t.Errorf("%d policies in the envelope, want %d", got, tt.envelope)
			}
		})
	}
}

// TestValidateGoldens runs the strict checks on every SDK golden: the SDK
// writes two of them although they carry a problem, which Validate reports.
func TestValidateGoldens(t *testing.T) {
	want := map[string]error{
		"processing-propertyfile-cache.json": ErrPropertyFile, // property file on output "evaluation", which the step lacks
		"jsonget-join-fail-nested.json":      ErrPropertyFile, // JsonGet on a property file MyStep never declares
	}
	for _, file := range goldens(t) {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			err = p.Validate()
			if w := want[name]; w == nil && err != nil || w != nil && !errors.Is(err, w) {
				t.Errorf("Validate() = %v, want %v", err, w)
			}
			if err != nil {
				t.Logf("%v", err)
			}
		})
	}
}
