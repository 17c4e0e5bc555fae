package params

import (
	"errors"
	"math"
	"math/big"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestNodeAccessors checks what an engine reads from expression nodes to
// evaluate them.
func TestNodeAccessors(t *testing.T) {
	count := Integer("Count")
	j := Join("-", "a", count, 2).Expr().(JoinExpr)
	if j.On() != "-" || len(j.Values()) != 3 {
		t.Fatalf("Join accessors: %q %v", j.On(), j.Values())
	}
	if lit := j.Values()[2].(Literal); lit.Value() != int64(2) {
		t.Errorf("literal value = %#v, want int64(2)", lit.Value())
	}
	if g := j.Values()[1].(Get); g.Ref().Kind != RefParameter || g.Ref().Param.Name() != "Count" {
		t.Errorf("Get ref = %+v", g.Ref())
	}

	pf := JsonGet[float64](StepName("Eval"), "Report", "a.b").Expr().(JsonGetExpr)
	ref, ok := pf.PropertyFile()
	if !ok || ref.Source.Name() != "Eval" || ref.PropertyFile != "Report" || pf.Path() != "a.b" {
		t.Errorf("JsonGet accessors: %+v %v %q", ref, ok, pf.Path())
	}
	if _, ok := pf.S3URI(); ok {
		t.Error("property file form reports an S3 URI")
	}
	s3 := JsonGetS3[string](Lit("s3://b/k"), "x").Expr().(JsonGetExpr)
	if e, ok := s3.S3URI(); !ok || e.(Literal).Value() != "s3://b/k" {
		t.Errorf("S3URI = %v %v", e, ok)
	}
	if _, ok := s3.PropertyFile(); ok {
		t.Error("S3 form reports a property file")
	}

	inv := Invalid(ErrType)
	if !errors.Is(inv.Err(), ErrType) || slices.Collect(inv.Refs()) != nil || inv.String() != "Invalid("+ErrType.Error()+")" {
		t.Errorf("Invalid accessors: %v %v", inv.Err(), inv.String())
	}
	// Invalid(nil) still records a problem, and the zero node prints.
	if err := Invalid(nil).Err(); !errors.Is(err, ErrType) {
		t.Errorf("Invalid(nil).Err() = %v, want ErrType", err)
	}
	if err := (InvalidExpr{}).Err(); !errors.Is(err, ErrType) {
		t.Errorf("zero InvalidExpr Err() = %v, want ErrType", err)
	}
	// A nil *Param used as a value is an Invalid node, not a panic.
	var np *Param[string]
	if err := errors.Join(slices.Collect(Problems(np.Value().Expr()))...); !errors.Is(err, ErrType) || np.String() == "" {
		t.Errorf("nil *Param: problems %v, String %q", err, np.String())
	}
}

func TestStrings(t *testing.T) {
	huge, _ := new(big.Int).SetString("123456789012345678901", 10)
	tests := []struct {
		got, want string
	}{
		{Lit("x").String(), `"x"`},
		{Lit(1).String(), `1`},
		{Lit(1.0).String(), `1.0`},
		{Lit(1e-7).String(), `1e-07`},
		{Lit(true).String(), `true`},
		{From(nil).String(), `null`},
		{From(huge).String(), `123456789012345678901`},
		{Integer("N").String(), `Parameters.N`},
		{PipelineArn.Value().String(), `Execution.PipelineArn`},
		{ExperimentName.Value().String(), `PipelineExperimentConfig.ExperimentName`},
		{JsonGetS3[int](Lit("s3://b"), "p").String(), `JsonGet("s3://b", "p")`},
		{RefKind(9).String(), `RefKind(9)`},
		{Ref{Kind: RefParameter}.String(), `Parameters.`},
		{Ref{}.String(), ``},
		{Ref{Kind: RefProperty, Path: "X"}.String(), `Steps..X`},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %s, want %s", tt.got, tt.want)
		}
	}
	var kinds []string
	for k := RefParameter; k <= RefExperiment; k++ {
		kinds = append(kinds, k.String())
	}
	if diff := cmp.Diff([]string{"Parameter", "Execution", "Property", "PropertyFile", "Experiment"}, kinds); diff != "" {
		t.Error(diff)
	}
}

// TestCanonicalLiterals checks the Go types a literal may have and the
// canonical types they are stored as.
func TestCanonicalLiterals(t *testing.T) {
	type name string
	type flag bool
	type ratio float64
	tests := []struct {
		in   any
		want any
	}{
		{int8(-3), int64(-3)},
		{uint16(7), int64(7)},
		{uint64(1) << 63, "big:9223372036854775808"},
		{big.NewInt(5), int64(5)},
		{(*big.Int)(nil), nil},
		{name("n"), "n"},
		{flag(true), true},
		{ratio(0.5), 0.5},
	}
	for _, tt := range tests {
		got := From(tt.in).(Literal).Value()
		if b, ok := got.(*big.Int); ok {
			got = "big:" + b.String()
		}
		if got != tt.want {
			t.Errorf("From(%#v) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
	if _, ok := From(ratio(math.Inf(1))).(InvalidExpr); !ok {
		t.Error("an infinite named float was accepted")
	}
	if got := Unchecked[int](Lit("x").Expr()).Expr().(Literal).Value(); got != "x" {
		t.Errorf("Unchecked changed the expression: %v", got)
	}
	p := Boolean("B")
	if got := render(tree(p.Expr())); got != `{"Get": "Parameters.B"}` {
		t.Errorf("parameter tree = %s", got)
	}
	if got := render(tree(TrainingJobName.Expr())) + render(tree(TrialName.Expr())); got != `{"Get": "Execution.TrainingJobName"}{"Get": "PipelineExperimentConfig.TrialName"}` {
		t.Errorf("trees = %s", got)
	}
	if got := slices.Collect(p.Refs()); len(got) != 1 || got[0].Param != Parameter(p) {
		t.Errorf("parameter refs = %v", got)
	}
}
