package hpo

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewSpaceErrors(t *testing.T) {
	tests := []struct {
		name   string
		ranges Ranges
		param  string
		reason string
	}{
		{"continuous min above max", Ranges{Continuous: []ContinuousRange{{Name: "eta", MinValue: "1", MaxValue: "0.2"}}}, "eta", "greater than MaxValue"},
		{"integer min above max", Ranges{Integer: []IntegerRange{{Name: "depth", MinValue: "9", MaxValue: "3"}}}, "depth", "greater than MaxValue"},
		{"log with zero min", Ranges{Continuous: []ContinuousRange{{Name: "alpha", MinValue: "0", MaxValue: "1", ScalingType: ScalingLogarithmic}}}, "alpha", "MinValue > 0"},
		{"log integer with negative min", Ranges{Integer: []IntegerRange{{Name: "n", MinValue: "-1", MaxValue: "10", ScalingType: ScalingLogarithmic}}}, "n", "MinValue > 0"},
		{"reverse log reaching 1", Ranges{Continuous: []ContinuousRange{{Name: "momentum", MinValue: "0.5", MaxValue: "1", ScalingType: ScalingReverseLogarithmic}}}, "momentum", "MaxValue < 1"},
		{"reverse log on integers", Ranges{Integer: []IntegerRange{{Name: "k", MinValue: "0", MaxValue: "0", ScalingType: ScalingReverseLogarithmic}}}, "k", "continuous ranges only"},
		{"empty categorical", Ranges{Categorical: []CategoricalRange{{Name: "booster"}}}, "booster", "no values"},
		{"duplicate categorical value", Ranges{Categorical: []CategoricalRange{{Name: "booster", Values: []string{"a", "a"}}}}, "booster", "listed twice"},
		{"not a number", Ranges{Continuous: []ContinuousRange{{Name: "gamma", MinValue: "zero", MaxValue: "1"}}}, "gamma", "not a finite number"},
		{"not an integer", Ranges{Integer: []IntegerRange{{Name: "depth", MinValue: "1.5", MaxValue: "3"}}}, "depth", "not an integer"},
		{"unknown scaling", Ranges{Continuous: []ContinuousRange{{Name: "eta", MinValue: "0", MaxValue: "1", ScalingType: "Quadratic"}}}, "eta", "unknown ScalingType"},
		{"duplicate name", Ranges{
			Continuous: []ContinuousRange{{Name: "eta", MinValue: "0", MaxValue: "1"}},
			Integer:    []IntegerRange{{Name: "eta", MinValue: "0", MaxValue: "1"}},
		}, "eta", "more than one range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSpace(tt.ranges)
			if !errors.Is(err, ErrInvalidRange) {
				t.Fatalf("err = %v, want ErrInvalidRange", err)
			}
			var re *RangeError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want a *RangeError", err)
			}
			if re.Param != tt.param || !strings.Contains(re.Reason, tt.reason) {
				t.Errorf("RangeError{%q, %q}, want param %q and reason containing %q", re.Param, re.Reason, tt.param, tt.reason)
			}
			if !strings.Contains(err.Error(), `"`+tt.param+`"`) {
				t.Errorf("message %q does not name %q", err, tt.param)
			}
		})
	}
}

func TestNewSpaceReportsAllProblems(t *testing.T) {
	_, err := NewSpace(Ranges{
		Continuous:  []ContinuousRange{{Name: "eta", MinValue: "1", MaxValue: "0"}},
		Categorical: []CategoricalRange{{Name: "booster"}},
		Integer:     []IntegerRange{{Name: "depth", MinValue: "0", MaxValue: "8", ScalingType: ScalingLogarithmic}},
	})
	for _, name := range []string{"eta", "booster", "depth"} {
		if err == nil || !strings.Contains(err.Error(), `"`+name+`"`) {
			t.Errorf("error %v does not name %q", err, name)
		}
	}
	if _, err := NewSpace(Ranges{}); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("empty ranges: err = %v, want ErrInvalidConfig", err)
	}
}

func TestAutoScaling(t *testing.T) {
	s, err := NewSpace(Ranges{
		Continuous: []ContinuousRange{
			{Name: "eta", MinValue: "0.2", MaxValue: "1"},
			{Name: "lambda", MinValue: "0.001", MaxValue: "10", ScalingType: ScalingAuto},
			{Name: "shift", MinValue: "-1", MaxValue: "1000"},
		},
		Integer: []IntegerRange{
			{Name: "min_child_weight", MinValue: "0", MaxValue: "120"},
			{Name: "rounds", MinValue: "1", MaxValue: "1000"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Scaling{}
	for _, p := range s.Params() {
		got[p.Name] = p.Scaling
	}
	want := map[string]Scaling{
		"eta": ScalingLinear, "lambda": ScalingLogarithmic, "shift": ScalingLinear,
		"min_child_weight": ScalingLinear, "rounds": ScalingLogarithmic,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Auto scaling (-want +got):\n%s", d)
	}
}

// TestScalingDistributions checks each scale's draws: within the bounds
// and uniform in the scale's own coordinate (median at the midpoint).
func TestScalingDistributions(t *testing.T) {
	s, err := NewSpace(Ranges{
		Continuous: []ContinuousRange{
			{Name: "lin", MinValue: "2", MaxValue: "4", ScalingType: ScalingLinear},
			{Name: "log", MinValue: "0.001", MaxValue: "10", ScalingType: ScalingLogarithmic},
			{Name: "rev", MinValue: "0.9", MaxValue: "0.9999", ScalingType: ScalingReverseLogarithmic},
		},
		Integer: []IntegerRange{{Name: "k", MinValue: "1", MaxValue: "3", ScalingType: ScalingLinear}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	const n = 4000
	cols := make([][]float64, 4)
	counts := map[float64]int{}
	for range n {
		x := s.sample(r)
		for j := range x {
			cols[j] = append(cols[j], x[j])
		}
		counts[x[3]]++
	}
	mid := []float64{3, math.Sqrt(0.001 * 10), 1 - math.Sqrt(0.1*0.0001)}
	for j, p := range s.Params()[:3] {
		lo, hi := slices.Min(cols[j]), slices.Max(cols[j])
		if lo < p.Min || hi > p.Max {
			t.Errorf("%s: draws in [%v, %v], outside [%v, %v]", p.Name, lo, hi, p.Min, p.Max)
		}
		med := median(cols[j])
		u := p.toUnit(med)
		if math.Abs(u-0.5) > 0.05 {
			t.Errorf("%s: median %v sits at %.3f of the scale, want 0.5 (about %v)", p.Name, med, u, mid[j])
		}
	}
	for k := 1.0; k <= 3; k++ {
		if c := counts[k]; math.Abs(float64(c)/n-1.0/3) > 0.04 {
			t.Errorf("integer value %v drawn %d times of %d, want about a third", k, c, n)
		}
	}
	// The encoding inverts the scales.
	for j, p := range s.Params()[:3] {
		for _, v := range cols[j][:50] {
			if back := p.fromUnit(p.toUnit(v)); math.Abs(back-v) > 1e-9*math.Max(1, math.Abs(v)) {
				t.Errorf("%s: %v → unit → %v", p.Name, v, back)
			}
		}
	}
}

func TestParams(t *testing.T) {
	s, err := NewSpace(Ranges{
		Continuous:  []ContinuousRange{{Name: "eta", MinValue: "0.0", MaxValue: "1.0"}, {Name: "alpha", MinValue: "1e-6", MaxValue: "1", ScalingType: ScalingLogarithmic}},
		Categorical: []CategoricalRange{{Name: "booster", Values: []string{"gbtree", "dart"}}},
		Integer:     []IntegerRange{{Name: "max_depth", MinValue: "1", MaxValue: "8.0"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Parse(map[string]string{"eta": "0.25", "alpha": "1e-05", "booster": "dart", "max_depth": "6", "objective": "reg:squarederror"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"eta": "0.25", "alpha": "1e-05", "booster": "dart", "max_depth": "6"}
	if d := cmp.Diff(want, p.Strings()); d != "" {
		t.Errorf("Strings (-want +got):\n%s", d)
	}
	var order []string
	for name := range p.All() {
		order = append(order, name)
	}
	if d := cmp.Diff([]string{"eta", "alpha", "booster", "max_depth"}, order); d != "" {
		t.Errorf("All order (-want +got):\n%s", d)
	}
	if v, err := p.Float("eta"); err != nil || v != 0.25 {
		t.Errorf("Float(eta) = %v, %v", v, err)
	}
	if v, err := p.Int("max_depth"); err != nil || v != 6 {
		t.Errorf("Int(max_depth) = %v, %v", v, err)
	}
	if v, k, err := p.Category("booster"); err != nil || v != "dart" || k != 1 {
		t.Errorf("Category(booster) = %v, %v, %v", v, k, err)
	}
	if _, err := p.Int("eta"); err == nil {
		t.Error("Int(eta) of a continuous parameter: no error")
	}
	if _, err := p.Float("nope"); !errors.Is(err, ErrNoParam) {
		t.Errorf("Float(nope): err = %v, want ErrNoParam", err)
	}
	if v, ok := p.String("max_depth"); !ok || v != "6" {
		t.Errorf("String(max_depth) = %q, %v", v, ok)
	}

	for _, bad := range []map[string]string{
		{"eta": "1.5", "alpha": "0.1", "booster": "dart", "max_depth": "6"},
		{"eta": "0.5", "alpha": "0.1", "booster": "gblinear", "max_depth": "6"},
		{"eta": "0.5", "alpha": "0.1", "booster": "dart", "max_depth": "6.5"},
		{"eta": "0.5", "alpha": "0.1", "booster": "dart"},
	} {
		if _, err := s.Parse(bad); !errors.Is(err, ErrInvalidRange) {
			t.Errorf("Parse(%v): err = %v, want ErrInvalidRange", bad, err)
		}
	}
}

func TestJobConfig(t *testing.T) {
	// The shape steps.Tuning renders (bounds as strings).
	def := `{"Strategy": "Hyperband", "ResourceLimits": {"MaxNumberOfTrainingJobs": 20, "MaxParallelTrainingJobs": 4},
		"TrainingJobEarlyStoppingType": "Off", "RandomSeed": 7,
		"HyperParameterTuningJobObjective": {"Type": "Minimize", "MetricName": "validation:rmse"},
		"ParameterRanges": {"ContinuousParameterRanges": [{"Name": "eta", "MinValue": "0.2", "MaxValue": "1", "ScalingType": "Auto"}],
			"CategoricalParameterRanges": [], "IntegerParameterRanges": [{"Name": "max_depth", "MinValue": "1", "MaxValue": "8", "ScalingType": "Auto"}]},
		"StrategyConfig": {"HyperbandStrategyConfig": {"MinResource": 1, "MaxResource": 9}}}`
	j, err := ParseJobConfig([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	c, err := j.Config()
	if err != nil {
		t.Fatal(err)
	}
	if c.Strategy != Hyperband || c.Objective != Minimize || c.MaxJobs != 20 || c.MaxParallel != 4 || c.Seed != 7 ||
		c.EarlyStopping != EarlyStoppingOff || c.Hyperband == nil || *c.Hyperband != (HyperbandConfig{MinResource: 1, MaxResource: 9}) {
		t.Errorf("Config = %+v", c)
	}
	if j.HyperParameterTuningJobObjective.MetricName != "validation:rmse" {
		t.Errorf("MetricName = %q", j.HyperParameterTuningJobObjective.MetricName)
	}
	var names []string
	for _, p := range c.Space.Params() {
		names = append(names, p.Name)
	}
	if d := cmp.Diff([]string{"eta", "max_depth"}, names); d != "" {
		t.Errorf("parameters (-want +got):\n%s", d)
	}
	if _, err := New(c); err != nil {
		t.Errorf("New: %v", err)
	}
	if _, err := ParseJobConfig([]byte(`{"ResourceLimits": 3}`)); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("bad JSON: %v, want ErrInvalidConfig", err)
	}
}
