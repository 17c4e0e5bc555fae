package boost_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/sagepipe/sagepipe/actor"
	"github.com/sagepipe/sagepipe/boost"
)

// A panic in a training callback does not crash the caller: Train returns
// an error that wraps ErrTrain and an *actor.PanicError with the panic value
// and its stack, and, when the value is an error, that error too.
func Example_panic() {
	x := make([]float64, 100)
	y := make([]float64, 100)
	for i := range x {
		x[i], y[i] = float64(i), float64(i%7)
	}
	train, err := boost.NewDMatrix([][]float64{x}, y)
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg, err := boost.NewConfig(map[string]any{"num_boost_round": 5})
	if err != nil {
		fmt.Println(err)
		return
	}
	errQuota := errors.New("quota exceeded")
	_, err = boost.Train(context.Background(), cfg, train, boost.TrainOptions{
		Callback: func(_ context.Context, p boost.Progress) error {
			if p.Iteration == 2 {
				panic(errQuota)
			}
			return nil
		},
	})
	fmt.Println(err)
	var pe *actor.PanicError
	if errors.As(err, &pe) {
		fmt.Println("where:", pe.Op, "| stack captured:", len(pe.Stack) > 0)
	}
	fmt.Println("ErrTrain:", errors.Is(err, boost.ErrTrain), "| cause:", errors.Is(err, errQuota))
	// Output:
	// boost: training failed: callback at round 2: panic: quota exceeded
	// where: callback at round 2 | stack captured: true
	// ErrTrain: true | cause: true
}

// The lists of known names are fresh copies; changing one changes nothing
// in the package.
func ExampleObjectiveNames() {
	names := boost.ObjectiveNames()
	fmt.Println(len(names), names[0], boost.KnownObjective("reg:tweedie"))
	names[0] = "mine"
	fmt.Println(boost.ObjectiveNames()[0], boost.MetricNames()[:3])
	// Output:
	// 13 reg:squarederror true
	// reg:squarederror [rmse rmsle mae]
}
