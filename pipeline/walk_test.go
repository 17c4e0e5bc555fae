package pipeline

import (
	"errors"
	"iter"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/params"
	"github.com/sagepipe/sagepipe/steps"
)

type ordered []steps.Member

func (o ordered) Members() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		for _, m := range o {
			if !yield(m.Key, m.Value) {
				return
			}
		}
	}
}

type wrapper struct{ v any }

func (w wrapper) PyJSON() any { return w.v }

type label string

type score float64

// TestScanMatchesEncoder checks that the reference walker accepts exactly
// what the encoder writes and finds references wherever the encoder would
// write them.
func TestScanMatchesEncoder(t *testing.T) {
	n := params.Integer("N")
	var nilObj *pyjson.Object
	tests := []struct {
		name  string
		v     any
		refs  int
		probs error
	}{
		{"scalars", []any{nil, "s", true, 1, int64(2), uint8(3), label("x"), 1.5, big.NewInt(7), []string{"a"}, []int{1}, nilObj}, 0, nil},
		{"expression leaves", pyjson.NewObject().Set("a", n).Set("b", n.Value()).Set("c", params.PipelineName).Set("d", params.Join("", n, params.TrialName)), 5, nil},
		{"members and PyJSON values", ordered{{Key: "x", Value: wrapper{[]any{n}}}}, 1, nil},
		{"unset value writes null", params.Value[string]{}, 0, nil},
		{"NaN float", []any{math.NaN()}, 0, ErrNaN},
		{"named float Inf", []any{score(math.Inf(1))}, 0, ErrNaN},
		{"struct", []any{struct{ f float64 }{}}, 0, ErrInvalidValue},
		{"invalid expression", params.Join("", map[int]int{}), 0, ErrInvalidValue},
		{"error value", pyjson.NewObject().Set("e", errors.New("boom")), 0, ErrInvalidValue},
		{"float32", float32(1), 0, ErrInvalidValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sc scan
			sc.value(tt.v, 0)
			if len(sc.refs) != tt.refs {
				t.Errorf("refs = %v, want %d", sc.refs, tt.refs)
			}
			_, encErr := pyjson.Marshal(tt.v)
			if tt.probs == nil {
				if len(sc.problems) != 0 || encErr != nil {
					t.Errorf("problems = %v, encoder error = %v", sc.problems, encErr)
				}
				return
			}
			if len(sc.problems) != 1 || !errors.Is(sc.problems[0], tt.probs) {
				t.Errorf("problems = %v, want one %v", sc.problems, tt.probs)
			}
			if encErr == nil {
				t.Errorf("the encoder writes what the walker refuses")
			}
		})
	}
	var deep any = 1
	for range maxScanDepth + 2 {
		deep = []any{deep}
	}
	var sc scan
	sc.value(deep, 0)
	if len(sc.problems) != 1 {
		t.Errorf("deep nesting: %v", sc.problems)
	}
}

// valueStep is a step held by value with a slice field, so it cannot be
// compared; the compiler must still recognise it.
type valueStep struct {
	name string
	deps []string
	ref  params.Source
}

func (v valueStep) Name() string                      { return v.name }
func (v valueStep) Steps() []steps.Step               { return []steps.Step{v} }
func (v valueStep) Type() steps.Type                  { return steps.TypeTraining }
func (v valueStep) Envelope() steps.Envelope          { return steps.Envelope{DependsOn: v.deps} }
func (v valueStep) Trailer(*steps.Env) []steps.Member { return nil }
func (v valueStep) Problems() []error                 { return nil }
func (v valueStep) Arguments(*steps.Env) any {
	if v.ref == nil {
		return pyjson.NewObject()
	}
	return pyjson.NewObject().Set("x", params.StepProperty[string](v.ref, "TrainingJobName"))
}

func TestUncomparableSteps(t *testing.T) {
	a := valueStep{name: "A", deps: []string{}}
	b := valueStep{name: "B", deps: []string{}, ref: a}
	a2 := valueStep{name: "A", deps: []string{}, ref: b} // refers back: a cycle, not an endless append
	p := New("p").Steps(a2)
	err := p.Validate()
	if !errors.Is(err, ErrCycle) {
		t.Fatalf("Validate() = %v, want a cycle", err)
	}
	c := p.compile()
	if len(c.top) != 2 {
		t.Errorf("%d steps compiled, want A and the appended B", len(c.top))
	}
}

type panicky struct{ valueStep }

func (p panicky) Arguments(*steps.Env) any { panic(errors.New("boom")) }
func (p panicky) Steps() []steps.Step      { return []steps.Step{p} }

func TestStepPanicBecomesError(t *testing.T) {
	p := New("p").Steps(valueStep{name: "Fine"}, panicky{valueStep{name: "Bad"}})
	for _, err := range []error{p.Validate(), func() error { _, err := p.Definition(); return err }()} {
		var se *StepError
		var pe *PanicError
		if !errors.As(err, &se) || se.Step != "Bad" || !errors.As(err, &pe) || !errors.Is(err, ErrPanic) {
			t.Fatalf("error = %v, want a StepError for Bad holding a PanicError", err)
		}
		if pe.Op != "compile" || pe.Value.(error).Error() != "boom" || len(pe.Stack) == 0 || !strings.Contains(err.Error(), "boom") {
			t.Errorf("panic error = %+v", pe)
		}
	}
	if g := p.Graph(); len(g.Nodes) != 2 || g.Nodes[0].Step.Name() != "Fine" {
		t.Errorf("graph after a panic: %+v", g.Nodes)
	}
	_ = p.DOT()
}
