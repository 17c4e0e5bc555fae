package boost

import (
	"errors"
	"strings"
	"testing"
)

func TestNewConfigDefaultsAndAliases(t *testing.T) {
	c, err := NewConfig(map[string]any{"learning_rate": 0.1, "max_depth": "4", "eval_metric": []string{"mae", "rmse"},
		"num_boost_round": 100, "objective": "reg:squarederror", "tree_method": "hist", "verbosity": 1})
	if err != nil {
		t.Fatal(err)
	}
	if c.Eta != 0.1 || c.MaxDepth != 4 || c.Rounds != 100 || len(c.EvalMetric) != 2 || c.Lambda != 1 || c.MaxBin != 256 {
		t.Errorf("config %+v", c)
	}
	c, err = NewConfig(map[string]any{"objective": "count:poisson", "max_delta_step": 0.3})
	if err != nil || c.PoissonMaxDeltaStep != 0.3 || c.MaxDeltaStep != 0.3 {
		t.Errorf("poisson max_delta_step: %v %+v", err, c)
	}
	c, err = NewConfig(map[string]any{"objective": "count:poisson"})
	if err != nil || c.PoissonMaxDeltaStep != 0.7 || c.MaxDeltaStep != 0.7 {
		t.Errorf("poisson default max_delta_step: %v %+v", err, c)
	}
}

func TestNewConfigErrors(t *testing.T) {
	tests := []struct {
		params map[string]any
		name   string
		allow  string
	}{
		{map[string]any{"etaa": 0.1}, "etaa", ""},
		{map[string]any{"eta": -1}, "eta", "[0, inf)"},
		{map[string]any{"subsample": 0.0}, "subsample", "(0, 1]"},
		{map[string]any{"max_bin": 1000}, "max_bin", "[2, 256]"},
		{map[string]any{"grow_policy": "best"}, "grow_policy", "depthwise, lossguide"},
		{map[string]any{"objective": "reg:linearx"}, "objective", "one of"},
		{map[string]any{"objective": "multi:softmax"}, "num_class", "[2, inf)"},
		{map[string]any{"eval_metric": "rmsee"}, "eval_metric", "one of"},
		{map[string]any{"tweedie_variance_power": 2.5}, "tweedie_variance_power", "(1, 2)"},
		{map[string]any{"max_depth": "x"}, "max_depth", "an integer"},
		{map[string]any{"base_score": 1.5, "objective": "binary:logistic"}, "base_score", "(0, 1)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewConfig(tc.params)
			var pe *ParamError
			if !errors.As(err, &pe) || !errors.Is(err, ErrParam) {
				t.Fatalf("err = %v", err)
			}
			if pe.Name != tc.name || !strings.Contains(pe.Allowed, tc.allow) {
				t.Errorf("got %q allowed %q; want %q allowed %q", pe.Name, pe.Allowed, tc.name, tc.allow)
			}
			if !strings.Contains(err.Error(), tc.name) {
				t.Errorf("message %q does not name the parameter", err)
			}
		})
	}
}
