package boost

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/sagepipe/sagepipe/actor"
)

// TestPredictPanic corrupts a Predictor so that its workers index out of
// range, and requires an *actor.PanicError wrapping ErrPredict and the runtime
// error, with the stack of the panic, on the single- and multi-threaded
// paths alike.
func TestPredictPanic(t *testing.T) {
	m := loadRef(t, "model.json")
	x := make([]float32, 1000*m.NumFeature)
	for _, threads := range []int{1, 4} {
		t.Run(map[int]string{1: "serial", 4: "parallel"}[threads], func(t *testing.T) {
			p, err := m.NewPredictor(PredictOptions{Threads: threads})
			if err != nil {
				t.Fatal(err)
			}
			p.leafVal = p.leafVal[:0]
			_, err = p.Margin(context.Background(), x)
			var pe *actor.PanicError
			if !errors.As(err, &pe) {
				t.Fatalf("Margin: %v, want an *actor.PanicError", err)
			}
			if !errors.Is(err, ErrPredict) {
				t.Errorf("%v does not wrap ErrPredict", err)
			}
			var re runtime.Error
			if !errors.As(err, &re) {
				t.Errorf("%v does not reach the runtime error", err)
			}
			if !strings.Contains(string(pe.Stack), "marginBlock") {
				t.Errorf("stack does not show the panic site:\n%s", pe.Stack)
			}
		})
	}
}

// TestCallbackPanicUnwrap requires a panic in a training callback to reach
// ErrTrain and, when the panic value is an error, that error too.
func TestCallbackPanicUnwrap(t *testing.T) {
	d := synthetic(t, 200, 3, ObjSquaredError, false, 1)
	cfg, err := NewConfig(map[string]any{"num_boost_round": 5})
	if err != nil {
		t.Fatal(err)
	}
	boom := &customErr{"boom"}
	tests := []struct {
		name   string
		value  any
		reachE bool
	}{
		{"error value", boom, true},
		{"string value", "bad", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Train(context.Background(), cfg, d, TrainOptions{Callback: func(_ context.Context, p Progress) error {
				if p.Iteration == 2 {
					panic(tt.value)
				}
				return nil
			}})
			var pe *actor.PanicError
			if !errors.As(err, &pe) || pe.Value != tt.value || len(pe.Stack) == 0 {
				t.Fatalf("Train: %v, want an *actor.PanicError with value %v", err, tt.value)
			}
			if !errors.Is(err, ErrTrain) {
				t.Errorf("%v does not wrap ErrTrain", err)
			}
			if got := errors.Is(err, boom); got != tt.reachE {
				t.Errorf("errors.Is(err, boom) = %v, want %v", got, tt.reachE)
			}
			var ce *customErr
			if got := errors.As(err, &ce); got != tt.reachE {
				t.Errorf("errors.As(err, *customErr) = %v, want %v", got, tt.reachE)
			}
			if want := "round 2"; !strings.Contains(err.Error(), want) {
				t.Errorf("%q does not name %q", err, want)
			}
		})
	}
}

type customErr struct{ msg string }

func (e *customErr) Error() string { return e.msg }

// TestDecodePanic requires a panic inside a model decoder to come back as a
// *actor.PanicError wrapping ErrModelFormat and the panic's error, with the stack.
func TestDecodePanic(t *testing.T) {
	cause := errors.New("index out of range")
	for _, f := range []Format{FormatJSON, FormatUBJSON} {
		t.Run(f.String(), func(t *testing.T) {
			m, err := decodeRecovered(f, func() (*Model, error) { panic(cause) })
			var pe *actor.PanicError
			if m != nil || !errors.As(err, &pe) || len(pe.Stack) == 0 {
				t.Fatalf("decode: %v, %v, want an *actor.PanicError", m, err)
			}
			if !errors.Is(err, ErrModelFormat) || !errors.Is(err, cause) {
				t.Errorf("%v does not wrap both ErrModelFormat and the cause", err)
			}
			if want := f.String() + " decoder"; !strings.Contains(err.Error(), want) {
				t.Errorf("%q does not name %q", err, want)
			}
		})
	}
}
