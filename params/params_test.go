package params

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// render writes a PyJSON tree in Python's JSON style. It is a small
// independent writer for tests (the real one lives in internal/pyjson).
func render(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case *big.Int:
		return x.String()
	case float64:
		s := strconv.FormatFloat(x, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = render(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case interface {
		Members() iter.Seq2[string, any]
	}:
		var parts []string
		for k, e := range x.Members() {
			parts = append(parts, strconv.Quote(k)+": "+render(e))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case error:
		return "ERROR(" + x.Error() + ")"
	}
	return fmt.Sprintf("?%T", v)
}

// tree returns the definition tree of e from its accessors, as the
// compiler writes it: an independent reading for tests.
func tree(e Expr) any {
	switch x := e.(type) {
	case nil:
		return nil
	case Literal:
		return x.Value()
	case Get:
		return testObject{{"Get", x.Ref().String()}}
	case JoinExpr:
		vs := make([]any, 0, len(x.Values()))
		for _, v := range x.Values() {
			vs = append(vs, tree(v))
		}
		return testObject{{"Std:Join", testObject{{"On", x.On()}, {"Values", vs}}}}
	case JsonGetExpr:
		if s3, ok := x.S3URI(); ok {
			return testObject{{"Std:JsonGet", testObject{{"S3Uri", tree(s3)}, {"Path", x.Path()}}}}
		}
		ref, _ := x.PropertyFile()
		return testObject{{"Std:JsonGet", testObject{{"PropertyFile", testObject{{"Get", ref.String()}}}, {"Path", x.Path()}}}}
	case InvalidExpr:
		return x.Err()
	}
	return fmt.Errorf("unknown node %T", e)
}

// testObject is an ordered object for render.
type testObject []struct {
	k string
	v any
}

func (o testObject) Members() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		for _, m := range o {
			if !yield(m.k, m.v) {
				return
			}
		}
	}
}

type step string

func (s step) Name() string { return string(s) }

func TestRendering(t *testing.T) {
	count := Integer("Count")
	threshold := Float("Threshold")
	mode := String("Mode")
	tests := []struct {
		name string
		e    Expr
		want string
	}{
		{"int literal", Lit(1).Expr(), `1`},
		{"float literal", Lit(15000.0).Expr(), `15000.0`},
		{"bool literal", Lit(false).Expr(), `false`},
		{"string literal", Lit("x").Expr(), `"x"`},
		{"parameter", count.Expr(), `{"Get": "Parameters.Count"}`},
		{"execution variable", PipelineExecutionID.Expr(), `{"Get": "Execution.PipelineExecutionId"}`},
		{"experiment", TrialName.Expr(), `{"Get": "PipelineExperimentConfig.TrialName"}`},
		{"property", StepProperty[string](step("Train"), "ModelArtifacts.S3ModelArtifacts").Expr(), `{"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}`},
		{"whole step", StepProperty[string](step("Train"), "").Expr(), `{"Get": "Steps.Train"}`},
		{"join keeps kinds", Join("/", "s3:/", 1, 2.5, true, nil, mode).Expr(),
			`{"Std:Join": {"On": "/", "Values": ["s3:/", 1, 2.5, true, null, {"Get": "Parameters.Mode"}]}}`},
		{"json get", JsonGet[float64](step("Eval"), "Report", "rmse.value").Expr(),
			`{"Std:JsonGet": {"PropertyFile": {"Get": "Steps.Eval.PropertyFiles.Report"}, "Path": "rmse.value"}}`},
		{"json get s3", JsonGetS3[int](Join("/", "s3:/", "b", "k"), "a.b").Expr(),
			`{"Std:JsonGet": {"S3Uri": {"Std:Join": {"On": "/", "Values": ["s3:/", "b", "k"]}}, "Path": "a.b"}}`},
		{"to_string of String parameter", mode.Value().ToString().Expr(), `{"Get": "Parameters.Mode"}`},
		{"to_string of execution variable", StartDateTime.Value().ToString().Expr(), `{"Get": "Execution.StartDateTime"}`},
		{"to_string of Integer parameter", count.Value().ToString().Expr(), `{"Std:Join": {"On": "", "Values": [{"Get": "Parameters.Count"}]}}`},
		{"to_string of Float parameter", threshold.Value().ToString().Expr(), `{"Std:Join": {"On": "", "Values": [{"Get": "Parameters.Threshold"}]}}`},
		{"to_string of join", Join(" ", "a").ToString().Expr(), `{"Std:Join": {"On": " ", "Values": ["a"]}}`},
		{"to_string of property", StepProperty[string](step("S"), "TrainingJobName").ToString().Expr(),
			`{"Std:Join": {"On": "", "Values": [{"Get": "Steps.S.TrainingJobName"}]}}`},
		{"to_string of json get", JsonGet[string](step("S"), "f", "p").ToString().Expr(),
			`{"Std:Join": {"On": "", "Values": [{"Std:JsonGet": {"PropertyFile": {"Get": "Steps.S.PropertyFiles.f"}, "Path": "p"}}]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(tree(tt.e)); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestRefs(t *testing.T) {
	count := Integer("Count")
	v := Join(",", count, JsonGet[string](step("Eval"), "Report", "x"), StepProperty[string](step("Train"), "TrainingJobName"), PipelineName, "lit")
	var got []string
	for r := range v.Refs() {
		got = append(got, r.Kind.String()+" "+r.String())
	}
	want := []string{
		"Parameter Parameters.Count",
		"PropertyFile Steps.Eval.PropertyFiles.Report",
		"Property Steps.Train.TrainingJobName",
		"Execution Execution.PipelineName",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("refs (-want +got):\n%s", diff)
	}
	var first Ref
	for r := range v.Refs() {
		first = r
		break
	}
	if first.Param != Parameter(count) {
		t.Errorf("ref does not carry the parameter object")
	}
}

func TestProblems(t *testing.T) {
	tests := []struct {
		name string
		e    Expr
		want error
	}{
		{"NaN literal", Lit(math.NaN()).Expr(), ErrNaN},
		{"Inf in join", Join("", 1, math.Inf(1)).Expr(), ErrNaN},
		{"map in join", Join("", map[string]int{}).Expr(), ErrType},
		{"float32 in join", Join("", float32(1)).Expr(), ErrType},
		{"unset value in join", Join("", Value[string]{}).Expr(), ErrType},
		{"JsonGetS3 without uri", JsonGetS3[int](nil, "p").Expr(), ErrType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := slices.Collect(Problems(tt.e))
			if len(errs) != 1 || !errors.Is(errs[0], tt.want) {
				t.Fatalf("problems = %v, want one %v", errs, tt.want)
			}
			if !strings.Contains(render(tree(tt.e)), "ERROR(") {
				t.Errorf("definition tree does not carry the error: %s", render(tree(tt.e)))
			}
		})
	}
	if errs := slices.Collect(Problems(Join("", uint64(math.MaxUint64), int8(3)).Expr())); len(errs) != 0 {
		t.Errorf("valid integers reported: %v", errs)
	}
}

func TestParameters(t *testing.T) {
	type row struct {
		Name, Type string
		Default    any
		HasDefault bool
		Enum       []string
		Problems   int
	}
	summary := func(p Parameter) row {
		d, ok := p.Default()
		return row{p.Name(), string(p.Type()), d, ok, p.EnumValues(), len(p.Problems())}
	}
	base := String("Mode")
	withEnum := base.WithDefault("a").WithEnum("a", "b")
	tests := []struct {
		name string
		p    Parameter
		want row
	}{
		{"string without default", base, row{"Mode", "String", nil, false, nil, 0}},
		{"derived leaves base alone", withEnum, row{"Mode", "String", "a", true, []string{"a", "b"}, 0}},
		{"empty string default is a default", String("S").WithDefault(""), row{"S", "String", "", true, nil, 0}},
		{"integer zero default", Integer("N").WithDefault(0), row{"N", "Integer", int64(0), true, nil, 0}},
		{"float integral default", Float("F").WithDefault(15000), row{"F", "Float", 15000.0, true, nil, 0}},
		{"boolean false default", Boolean("B").WithDefault(false), row{"B", "Boolean", false, true, nil, 0}},
		{"enum on integer is a problem", Integer("N").WithEnum("1"), row{"N", "Integer", nil, false, nil, 1}},
		{"NaN default is a problem", Float("F").WithDefault(math.NaN()), row{"F", "Float", nil, false, nil, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, summary(tt.p)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if errs := Integer("N").WithEnum("1").Problems(); !errors.Is(errs[0], ErrEnum) || !strings.Contains(errs[0].Error(), `"N"`) {
		t.Errorf("enum problem = %v", errs)
	}
	if errs := Float("F").WithDefault(math.Inf(1)).Problems(); !errors.Is(errs[0], ErrNaN) || !strings.Contains(errs[0].Error(), `"F"`) {
		t.Errorf("NaN problem = %v", errs)
	}
}

func TestValueBasics(t *testing.T) {
	var zero Value[string]
	if !zero.IsZero() || zero.Expr() != nil || tree(zero.Expr()) != nil || zero.String() != "<unset>" {
		t.Error("zero Value is not unset")
	}
	if _, err := Lit(1).MarshalJSON(); !errors.Is(err, ErrMarshal) {
		t.Errorf("MarshalJSON error = %v", err)
	}
	if got := Join("/", "a", Integer("N"), 1.0).String(); got != `Join("/", ["a", Parameters.N, 1.0])` {
		t.Errorf("String() = %s", got)
	}
	if got := len(ExecutionVariables()); got != 8 {
		t.Errorf("%d execution variables", got)
	}
	if n := StepName("X"); n.Name() != "X" {
		t.Error("StepName")
	}
	type level int
	if got := render(tree(Lit(level(3)).Expr())); got != "3" {
		t.Errorf("named int literal = %s", got)
	}
}

func TestWalk(t *testing.T) {
	v := Join("", Join("-", 1, JsonGetS3[string](Join("/", "s3:/", PipelineName), "p")))
	var kinds []string
	for n := range Walk(v.Expr()) {
		kinds = append(kinds, fmt.Sprintf("%T", n))
	}
	want := []string{"params.JoinExpr", "params.JoinExpr", "params.Literal", "params.JsonGetExpr", "params.JoinExpr", "params.Literal", "params.Get"}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("walk order (-want +got):\n%s", diff)
	}
	n := 0
	for range Walk(v.Expr()) {
		n++
		break
	}
	if n != 1 {
		t.Error("Walk does not stop early")
	}
}
