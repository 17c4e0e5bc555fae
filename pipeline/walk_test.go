package pipeline

import (
	"errors"
	"iter"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/sagepipe/sagepipe/internal/pyjson"
	"github.com/sagepipe/sagepipe/internal/stepdef"
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
			_, encErr := stepdef.Marshal(tt.v)
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

// panicky is an input whose Value panics, as a user's Input implementation
// might; the compiler reads it when it renders the step.
type panicky struct{}

func (panicky) Value() params.Value[string] { panic(errors.New("boom")) }

func TestStepPanicBecomesError(t *testing.T) {
	fine := steps.Fail("Fine", params.Lit("ok"))
	bad := steps.Processing("Bad", steps.Processor{ImageURI: params.Lit("img"), InstanceType: panicky{}, InstanceCount: params.Lit(1)}, steps.ProcessingJob{})
	p := New("p").Steps(fine, bad)
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
