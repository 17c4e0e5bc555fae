package boost

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// ErrParam reports an unknown parameter or a parameter value outside its
// allowed range. The error wrapping it is a *ParamError naming the parameter.
var ErrParam = errors.New("boost: bad parameter")

// ParamError names the parameter that was rejected and the range it
// allows.
type ParamError struct {
	// Name is the parameter, as XGBoost spells it.
	Name string
	// Value is the rejected value as given.
	Value any
	// Allowed describes the accepted values, e.g. "[0, 1]" or "one of ...".
	Allowed string
}

// Error implements error.
func (e *ParamError) Error() string {
	if e.Allowed == "" {
		return fmt.Sprintf("boost: unknown parameter %q", e.Name)
	}
	return fmt.Sprintf("boost: parameter %s = %v out of range: allowed %s", e.Name, e.Value, e.Allowed)
}

// Unwrap returns ErrParam.
func (e *ParamError) Unwrap() error { return ErrParam }

// Grow policies (XGBoost's grow_policy).
const (
	GrowDepthwise = "depthwise"
	GrowLossguide = "lossguide"
)

// Config is the resolved training configuration. Its fields carry
// XGBoost's parameter names (in the `xgb` tags) and XGBoost 1.7.4's
// defaults (see DefaultConfig). Build one from a parameter map with
// NewConfig, or start from DefaultConfig and set fields, then call
// Validate.
type Config struct {
	Eta             float64 `xgb:"eta"`               // learning rate, [0, inf)
	MaxDepth        int     `xgb:"max_depth"`         // [0, inf); 0 = unlimited (lossguide only)
	MinChildWeight  float64 `xgb:"min_child_weight"`  // [0, inf)
	Gamma           float64 `xgb:"gamma"`             // min_split_loss, [0, inf)
	Lambda          float64 `xgb:"lambda"`            // L2 on leaf weights, [0, inf)
	Alpha           float64 `xgb:"alpha"`             // L1 on leaf weights, [0, inf)
	MaxDeltaStep    float64 `xgb:"max_delta_step"`    // [0, inf); 0 = no limit
	Subsample       float64 `xgb:"subsample"`         // (0, 1]
	ColsampleByTree float64 `xgb:"colsample_bytree"`  // (0, 1]
	ColsampleByLvl  float64 `xgb:"colsample_bylevel"` // (0, 1]
	ColsampleByNode float64 `xgb:"colsample_bynode"`  // (0, 1]
	MaxBin          int     `xgb:"max_bin"`           // [2, 256]
	GrowPolicy      string  `xgb:"grow_policy"`       // depthwise | lossguide
	MaxLeaves       int     `xgb:"max_leaves"`        // [0, inf); 0 = unlimited
	// BaseScore is the initial prediction in output space; NaN means
	// XGBoost's default (0.5, or the weighted median of the labels for
	// reg:absoluteerror), or the initial model's when training continues
	// one; a value given replaces the initial model's, as in XGBoost.
	BaseScore      float64  `xgb:"base_score"`
	ScalePosWeight float64  `xgb:"scale_pos_weight"`       // (0, inf); weighs rows labelled 1 (reg:squarederror, reg:squaredlogerror, reg:logistic, binary:logistic, binary:logitraw)
	Seed           uint64   `xgb:"seed"`                   // seeds subsample and colsample_*
	NThread        int      `xgb:"nthread"`                // [0, inf); 0 = all cores
	Objective      string   `xgb:"objective"`              // one of ObjectiveNames()
	EvalMetric     []string `xgb:"eval_metric"`            // names from MetricNames(); empty = the objective's default
	NumClass       int      `xgb:"num_class"`              // multi:* only, [2, inf)
	HuberSlope     float64  `xgb:"huber_slope"`            // reg:pseudohubererror, (0, inf)
	TweedieVarPow  float64  `xgb:"tweedie_variance_power"` // reg:tweedie, (1, 2)
	TreeMethod     string   `xgb:"tree_method"`            // hist (auto and approx are read as hist; gpu_hist is hist on device cuda)
	Device         string   `xgb:"device"`                 // cpu (or ""), cuda, cuda:N (device.go)
	// PoissonMaxDeltaStep is count:poisson's own max_delta_step (0.7 by
	// default), which XGBoost also calls "max_delta_step". For
	// count:poisson NewConfig sets it and MaxDeltaStep to the same value
	// (0.7 unless max_delta_step is given), as XGBoost does.
	PoissonMaxDeltaStep float64
	// Rounds is the number of boosting rounds (num_boost_round), [0, inf).
	Rounds int `xgb:"num_boost_round"`
	// EarlyStoppingRounds stops training when the last metric on the last
	// eval set has not improved for this many rounds; 0 disables it.
	// Training without eval sets refuses a non-zero value, as XGBoost does.
	EarlyStoppingRounds int `xgb:"early_stopping_rounds"`
}

// DefaultConfig returns XGBoost 1.7.4's defaults for the hist tree method
// with 10 rounds (xgboost.train's default num_boost_round).
func DefaultConfig() Config {
	return Config{
		Eta: 0.3, MaxDepth: 6, MinChildWeight: 1, Lambda: 1,
		Subsample: 1, ColsampleByTree: 1, ColsampleByLvl: 1, ColsampleByNode: 1,
		MaxBin: 256, GrowPolicy: GrowDepthwise, BaseScore: math.NaN(), ScalePosWeight: 1,
		Objective: ObjSquaredError, HuberSlope: 1, TweedieVarPow: 1.5, TreeMethod: "hist",
		PoissonMaxDeltaStep: 0.7, Rounds: 10,
	}
}

// paramAliases maps XGBoost's alternative spellings to the canonical name.
var paramAliases = map[string]string{
	"learning_rate": "eta", "min_split_loss": "gamma", "reg_lambda": "lambda",
	"reg_alpha": "alpha", "random_state": "seed", "n_jobs": "nthread",
	"num_round": "num_boost_round", "n_estimators": "num_boost_round",
}

// ignoredParams are accepted and have no effect here (verbosity is
// logging; the others have a single supported value checked elsewhere).
var ignoredParams = map[string]bool{"verbosity": true, "silent": true, "booster": true,
	"disable_default_eval_metric": true, "validate_parameters": true}

// NewConfig resolves XGBoost-style parameters (values may be numbers,
// strings, bools or, for eval_metric, a []string) on top of
// DefaultConfig, and validates the result. An unknown name or a value out
// of range is a *ParamError.
func NewConfig(params map[string]any) (Config, error) {
	c := DefaultConfig()
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names) // deterministic error for several bad parameters
	poissonMDS := false
	for _, name := range names {
		v := params[name]
		key := name
		if a, ok := paramAliases[name]; ok {
			key = a
		}
		if ignoredParams[key] {
			if key == "booster" && fmt.Sprint(v) != "gbtree" {
				return c, &ParamError{Name: name, Value: v, Allowed: "gbtree"}
			}
			continue
		}
		var err error
		switch key {
		case "eta":
			c.Eta, err = floatParam(name, v)
		case "max_depth":
			c.MaxDepth, err = intParam(name, v)
		case "min_child_weight":
			c.MinChildWeight, err = floatParam(name, v)
		case "gamma":
			c.Gamma, err = floatParam(name, v)
		case "lambda":
			c.Lambda, err = floatParam(name, v)
		case "alpha":
			c.Alpha, err = floatParam(name, v)
		case "max_delta_step":
			c.MaxDeltaStep, err = floatParam(name, v)
			poissonMDS = true
		case "subsample":
			c.Subsample, err = floatParam(name, v)
		case "colsample_bytree":
			c.ColsampleByTree, err = floatParam(name, v)
		case "colsample_bylevel":
			c.ColsampleByLvl, err = floatParam(name, v)
		case "colsample_bynode":
			c.ColsampleByNode, err = floatParam(name, v)
		case "max_bin":
			c.MaxBin, err = intParam(name, v)
		case "grow_policy":
			c.GrowPolicy = fmt.Sprint(v)
		case "max_leaves":
			c.MaxLeaves, err = intParam(name, v)
		case "base_score":
			c.BaseScore, err = floatParam(name, v)
		case "scale_pos_weight":
			c.ScalePosWeight, err = floatParam(name, v)
		case "seed":
			var s int
			s, err = intParam(name, v)
			c.Seed = uint64(s)
		case "nthread":
			c.NThread, err = intParam(name, v)
		case "objective":
			c.Objective = fmt.Sprint(v)
		case "eval_metric":
			c.EvalMetric, err = metricList(name, v)
		case "num_class":
			c.NumClass, err = intParam(name, v)
		case "huber_slope":
			c.HuberSlope, err = floatParam(name, v)
		case "tweedie_variance_power":
			c.TweedieVarPow, err = floatParam(name, v)
		case "tree_method":
			c.TreeMethod = fmt.Sprint(v)
		case "device":
			c.Device = fmt.Sprint(v)
		case "num_boost_round":
			c.Rounds, err = intParam(name, v)
		case "early_stopping_rounds":
			c.EarlyStoppingRounds, err = intParam(name, v)
		default:
			return c, &ParamError{Name: name}
		}
		if err != nil {
			return c, err
		}
	}
	gpuHistDevice(&c, params)
	if c.Objective == ObjCountPoisson {
		// XGBoost's count:poisson defaults max_delta_step to 0.7, and the
		// value applies both to the objective and to the trees.
		if poissonMDS {
			c.PoissonMaxDeltaStep = c.MaxDeltaStep
		} else {
			c.MaxDeltaStep = c.PoissonMaxDeltaStep
		}
	}
	return c, c.Validate()
}

func floatParam(name string, v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err == nil {
			return f, nil
		}
	}
	return 0, &ParamError{Name: name, Value: v, Allowed: "a number"}
}

func intParam(name string, v any) (int, error) {
	switch x := v.(type) {
	case int:
		return x, nil
	case int64:
		return int(x), nil
	case uint64:
		if x <= math.MaxInt32 {
			return int(x), nil
		}
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int(x), nil
		}
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		if err == nil {
			return n, nil
		}
	}
	return 0, &ParamError{Name: name, Value: v, Allowed: "an integer"}
}

func metricList(name string, v any) ([]string, error) {
	switch x := v.(type) {
	case string:
		if x == "" {
			return nil, nil
		}
		return strings.Split(x, ","), nil
	case []string:
		return append([]string(nil), x...), nil
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, &ParamError{Name: name, Value: v, Allowed: "metric names"}
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, &ParamError{Name: name, Value: v, Allowed: "metric names"}
}

// Validate checks every field against XGBoost's allowed range and returns
// a *ParamError for the first one outside it.
func (c *Config) Validate() error {
	type check struct {
		name    string
		value   float64
		ok      bool
		allowed string
	}
	nonneg := func(name string, v float64) check {
		return check{name, v, v >= 0 && !math.IsInf(v, 1), "[0, inf)"}
	}
	unit := func(name string, v float64) check {
		return check{name, v, v > 0 && v <= 1, "(0, 1]"}
	}
	checks := []check{
		nonneg("eta", c.Eta),
		{"max_depth", float64(c.MaxDepth), c.MaxDepth >= 0 && c.MaxDepth <= 31, "[0, 31]"},
		nonneg("min_child_weight", c.MinChildWeight),
		nonneg("gamma", c.Gamma),
		nonneg("lambda", c.Lambda),
		nonneg("alpha", c.Alpha),
		nonneg("max_delta_step", c.MaxDeltaStep),
		unit("subsample", c.Subsample),
		unit("colsample_bytree", c.ColsampleByTree),
		unit("colsample_bylevel", c.ColsampleByLvl),
		unit("colsample_bynode", c.ColsampleByNode),
		{"max_bin", float64(c.MaxBin), c.MaxBin >= 2 && c.MaxBin <= 256, "[2, 256]"},
		{"max_leaves", float64(c.MaxLeaves), c.MaxLeaves >= 0, "[0, inf)"},
		{"scale_pos_weight", c.ScalePosWeight, c.ScalePosWeight > 0 && !math.IsInf(c.ScalePosWeight, 1), "(0, inf)"},
		{"nthread", float64(c.NThread), c.NThread >= 0, "[0, inf)"},
		{"huber_slope", c.HuberSlope, c.HuberSlope > 0, "(0, inf)"},
		{"tweedie_variance_power", c.TweedieVarPow, c.TweedieVarPow > 1 && c.TweedieVarPow < 2, "(1, 2)"},
		{"num_boost_round", float64(c.Rounds), c.Rounds >= 0, "[0, inf)"},
		{"early_stopping_rounds", float64(c.EarlyStoppingRounds), c.EarlyStoppingRounds >= 0, "[0, inf)"},
		nonneg("max_delta_step", c.PoissonMaxDeltaStep),
	}
	for _, ch := range checks {
		if !ch.ok || math.IsNaN(ch.value) {
			return &ParamError{Name: ch.name, Value: ch.value, Allowed: ch.allowed}
		}
	}
	if !KnownObjective(c.Objective) {
		return &ParamError{Name: "objective", Value: c.Objective, Allowed: "one of " + strings.Join(ObjectiveNames(), ", ")}
	}
	switch c.GrowPolicy {
	case GrowDepthwise, GrowLossguide:
	default:
		return &ParamError{Name: "grow_policy", Value: c.GrowPolicy, Allowed: "depthwise, lossguide"}
	}
	if c.GrowPolicy == GrowDepthwise && c.MaxDepth == 0 {
		return &ParamError{Name: "max_depth", Value: 0, Allowed: "[1, 31] with grow_policy=depthwise"}
	}
	switch c.TreeMethod {
	case "hist", "auto", "approx", "", "gpu_hist":
	default:
		return &ParamError{Name: "tree_method", Value: c.TreeMethod, Allowed: "hist, gpu_hist"}
	}
	if err := c.validateDevice(); err != nil {
		return err
	}
	multi := c.Objective == ObjMultiSoftmax || c.Objective == ObjMultiSoftprob
	if multi && c.NumClass < 2 {
		return &ParamError{Name: "num_class", Value: c.NumClass, Allowed: "[2, inf) for " + c.Objective}
	}
	if !multi && c.NumClass > 1 {
		return &ParamError{Name: "num_class", Value: c.NumClass, Allowed: "0 or 1 for " + c.Objective}
	}
	if !math.IsNaN(c.BaseScore) {
		if _, err := ProbToMargin(c.Objective, float32(c.BaseScore)); err != nil || math.IsInf(c.BaseScore, 0) {
			allowed := "a finite number"
			switch objectiveLink(c.Objective) {
			case linkLogit:
				allowed = "(0, 1)"
			case linkLog:
				allowed = "(0, inf)"
			}
			return &ParamError{Name: "base_score", Value: c.BaseScore, Allowed: allowed}
		}
	}
	for _, m := range c.EvalMetric {
		if _, err := newMetric(m, c); err != nil {
			return err
		}
	}
	return nil
}
