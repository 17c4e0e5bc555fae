package boost_test

import (
	"context"
	"fmt"
	"math"
	"os"

	"github.com/sagepipe/sagepipe/boost"
)

// Train a regression model on plain column slices with a validation set
// and XGBoost's log lines.
func ExampleTrain() {
	// y = 3·x0 − 2·[x1 > 0.5] on a small grid.
	var x0, x1, y []float64
	for i := 0; i < 400; i++ {
		a, b := float64(i%20)/20, float64(i/20)/20
		x0, x1 = append(x0, a), append(x1, b)
		y = append(y, 3*a-2*math.Floor(b+0.5))
	}
	train, err := boost.NewDMatrix([][]float64{x0[:300], x1[:300]}, y[:300])
	if err != nil {
		fmt.Println(err)
		return
	}
	valid, _ := boost.NewDMatrix([][]float64{x0[300:], x1[300:]}, y[300:])
	cfg, err := boost.NewConfig(map[string]any{
		"objective": "reg:squarederror", "eta": 0.5, "max_depth": 3,
		"eval_metric": []string{"mae", "rmse"}, "num_boost_round": 3,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := boost.Train(context.Background(), cfg, train, boost.TrainOptions{
		Evals: []boost.EvalSet{{Name: "validation", Data: valid}},
		Log:   os.Stdout,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("rounds:", res.Model.NumRounds(), "best iteration:", res.BestIteration)
	// XGBoost 1.7.4 prints the same three lines for this data.

	// Output:
	// [0]	validation-mae:0.61024	validation-rmse:0.73867
	// [1]	validation-mae:0.32562	validation-rmse:0.40197
	// [2]	validation-mae:0.18668	validation-rmse:0.22790
	// rounds: 3 best iteration: 2
}

// Unknown or out-of-range parameters are errors that name the parameter.
func ExampleNewConfig() {
	_, err := boost.NewConfig(map[string]any{"max_bin": 1024})
	fmt.Println(err)
	_, err = boost.NewConfig(map[string]any{"learning_rte": 0.1})
	fmt.Println(err)
	// Output:
	// boost: parameter max_bin = 1024 out of range: allowed [2, 256]
	// boost: unknown parameter "learning_rte"
}
