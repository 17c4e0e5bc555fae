package boost

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestDeviceTrainingMatchesCPU trains with the device path on a session
// that runs the kernels' Go references and checks that trees, eval logs
// and predictions equal the CPU path's bit for bit: everything but the
// device's execution of the kernels is the code that runs with a GPU.
func TestDeviceTrainingMatchesCPU(t *testing.T) {
	cases := []struct {
		name    string
		kind    string
		nf      int
		missing float64
		weights bool
		params  map[string]any
	}{
		{"squared error", "reg", 8, 0, false, map[string]any{"max_depth": 6}},
		{"squared error with missing values", "reg", 8, 0.1, false, map[string]any{"max_depth": 5}},
		{"squared error weighted", "reg", 6, 0.05, true, map[string]any{"max_depth": 4, "eta": 0.1}},
		{"logistic", "binary", 8, 0.05, false, map[string]any{"objective": ObjBinaryLogistic}},
		{"logistic weighted scale_pos_weight", "binary", 5, 0, true,
			map[string]any{"objective": ObjBinaryLogistic, "scale_pos_weight": 2.5}},
		{"reg:logistic", "binary", 4, 0, false, map[string]any{"objective": ObjRegLogistic}},
		{"logitraw", "binary", 4, 0.02, false, map[string]any{"objective": ObjBinaryLogitRaw, "max_depth": 3}},
		{"softmax", "multi", 6, 0.05, false, map[string]any{"objective": ObjMultiSoftmax, "num_class": 3}},
		{"softprob weighted", "multi", 5, 0, true, map[string]any{"objective": ObjMultiSoftprob, "num_class": 3}},
		{"subsample and colsample", "reg", 12, 0.05, false, map[string]any{"subsample": 0.7, "colsample_bytree": 0.8,
			"colsample_bylevel": 0.8, "colsample_bynode": 0.7, "seed": 11}},
		{"lossguide", "reg", 8, 0.05, false, map[string]any{"grow_policy": GrowLossguide, "max_depth": 0, "max_leaves": 24}},
		{"lossguide with max_depth", "binary", 6, 0.05, false, map[string]any{"objective": ObjBinaryLogistic,
			"grow_policy": GrowLossguide, "max_depth": 4, "max_leaves": 12}},
		{"early stopping", "reg", 6, 0, false, map[string]any{"early_stopping_rounds": 1, "eta": 1.5, "max_depth": 8}},
		{"max_leaves depthwise", "binary", 8, 0, false, map[string]any{"objective": ObjBinaryLogistic, "max_leaves": 10}},
		{"regularised", "reg", 8, 0.05, false, map[string]any{"alpha": 0.5, "lambda": 3, "gamma": 0.3,
			"min_child_weight": 4, "max_delta_step": 0.7}},
		{"28 features few bins", "reg", 28, 0.02, false, map[string]any{"max_bin": 32, "max_depth": 6}},
		{"gpu_hist alias", "reg", 4, 0, false, map[string]any{"tree_method": "gpu_hist"}},
	}
	ctx := context.Background()
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := deviceTestData(t, 3000, tc.nf, uint64(100+i), tc.kind, tc.missing)
			if tc.weights {
				w := make([]float64, d.rows)
				for r := range w {
					w[r] = float64(1 + r%4)
				}
				if err := d.SetWeight(w); err != nil {
					t.Fatal(err)
				}
			}
			valid := deviceTestData(t, 500, tc.nf, uint64(900+i), tc.kind, tc.missing)
			p := map[string]any{"num_boost_round": 6}
			if tc.missing > 0 {
				p["max_bin"] = 255 // see TestDeviceRefusesAliasedBins
			}
			for k, v := range tc.params {
				p[k] = v
			}
			cfg, err := NewConfig(p)
			if err != nil {
				t.Fatal(err)
			}
			opt := TrainOptions{Evals: []EvalSet{{"train", d}, {"valid", valid}}}
			cpuCfg := cfg
			cpuCfg.Device, cpuCfg.TreeMethod = DeviceCPU, "hist"
			cpu, err := Train(ctx, cpuCfg, d, opt)
			if err != nil {
				t.Fatal(err)
			}
			devCfg := cfg
			devCfg.Device = "cuda:0"
			if tc.params["tree_method"] == "gpu_hist" {
				devCfg = cfg // the alias alone selects the device
			}
			dev, err := train(ctx, devCfg, d, opt, openReference)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(cpu.Model.Trees); n == 0 || (tc.params["early_stopping_rounds"] != nil) != (n < 6*max(1, cfg.NumClass)) {
				t.Fatalf("%d trees (early stopping: %v)", n, tc.params["early_stopping_rounds"] != nil)
			}
			if dev.BestIteration != cpu.BestIteration {
				t.Errorf("best iteration: cpu %d, device %d", cpu.BestIteration, dev.BestIteration)
			}
			compareResults(t, cpu, dev, valid)
		})
	}
}

// TestDeviceContinuesTraining checks that the device path starts from an
// initial model's margins as the CPU path does.
func TestDeviceContinuesTraining(t *testing.T) {
	ctx := context.Background()
	d := deviceTestData(t, 2000, 6, 5, "binary", 0.05)
	cfg, err := NewConfig(map[string]any{"objective": ObjBinaryLogistic, "num_boost_round": 3, "max_bin": 255})
	if err != nil {
		t.Fatal(err)
	}
	init, err := Train(ctx, cfg, d, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	opt := TrainOptions{InitModel: init.Model, Evals: []EvalSet{{"train", d}}}
	cpu, err := Train(ctx, cfg, d, opt)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Device = DeviceCUDA
	dev, err := train(ctx, cfg, d, opt, openReference)
	if err != nil {
		t.Fatal(err)
	}
	compareResults(t, cpu, dev, d)
}

// TestDeviceParams covers the device parameter and the gpu_hist alias.
func TestDeviceParams(t *testing.T) {
	cases := []struct {
		params  map[string]any
		device  string
		errName string // the ParamError's parameter, or ""
	}{
		{map[string]any{}, "", ""},
		{map[string]any{"device": "cpu"}, "cpu", ""},
		{map[string]any{"device": "cuda"}, "cuda", ""},
		{map[string]any{"device": "cuda:1"}, "cuda:1", ""},
		{map[string]any{"tree_method": "gpu_hist"}, "cuda", ""},
		{map[string]any{"tree_method": "gpu_hist", "device": "cuda:2"}, "cuda:2", ""},
		{map[string]any{"tree_method": "gpu_hist", "device": "cpu"}, "", "tree_method"},
		{map[string]any{"device": "cuda:x"}, "", "device"},
		{map[string]any{"device": "cuda:-1"}, "", "device"},
		{map[string]any{"device": "tpu"}, "", "device"},
	}
	for _, tc := range cases {
		cfg, err := NewConfig(tc.params)
		if tc.errName != "" {
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Name != tc.errName {
				t.Errorf("%v: error %v, want a ParamError for %s", tc.params, err, tc.errName)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", tc.params, err)
			continue
		}
		if cfg.Device != tc.device {
			t.Errorf("%v: device %q, want %q", tc.params, cfg.Device, tc.device)
		}
	}
}

// TestDeviceErrors checks the errors of the device path: an objective
// without a gradient kernel, distributed training, a cancelled context.
func TestDeviceErrors(t *testing.T) {
	ctx := context.Background()
	d := deviceTestData(t, 200, 3, 1, "reg", 0)
	cfg, err := NewConfig(map[string]any{"device": "cuda", "num_boost_round": 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("objective", func(t *testing.T) {
		c := cfg
		c.Objective = ObjPseudoHuberError
		_, err := train(ctx, c, d, TrainOptions{}, openReference)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Name != "objective" {
			t.Errorf("error %v, want a ParamError for objective", err)
		}
	})
	t.Run("distributed", func(t *testing.T) {
		_, err := TrainDistributed(ctx, newSystem(t, 2), cfg, d, DistOptions{NumActors: 2}, TrainOptions{})
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Name != "device" {
			t.Errorf("error %v, want a ParamError for device", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := train(cctx, cfg, d, TrainOptions{}, openReference)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want context.Canceled", err)
		}
	})
}

// TestDeviceRefusesAliasedBins: a feature with 256 cuts and missing values
// shares its missing code with its top bin, which only the CPU path tells
// apart; the device path refuses it at once, naming max_bin and the
// feature, and trains the same data with max_bin 255.
func TestDeviceRefusesAliasedBins(t *testing.T) {
	d := deviceTestData(t, 3000, 4, 3, "reg", 0.1)
	if err := d.SetFeatureNames([]string{"a", "b", "c", "d"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := NewConfig(map[string]any{"num_boost_round": 2, "device": "cuda"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = train(context.Background(), cfg, d, TrainOptions{}, openReference)
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Name != "max_bin" || !errors.Is(err, ErrParam) || !strings.Contains(err.Error(), "feature a") {
		t.Fatalf("err = %v, want a max_bin ParamError naming feature a", err)
	}
	cfg.MaxBin = 255
	if _, err := train(context.Background(), cfg, d, TrainOptions{}, openReference); err != nil {
		t.Fatalf("max_bin 255: %v", err)
	}
}
