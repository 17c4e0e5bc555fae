package boost

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/sagepipe/sagepipe/gpu"
)

// ErrNoGPU reports that training was asked to run on a CUDA device that
// this build or machine cannot use (see the device parameter). It is
// gpu.ErrNoGPU.
var ErrNoGPU = gpu.ErrNoGPU

// Devices (XGBoost 2's device parameter; Config.Device).
const (
	DeviceCPU  = "cpu"
	DeviceCUDA = "cuda"
)

// deviceSpec is a parsed device parameter.
type deviceSpec struct {
	cuda    bool
	ordinal int
}

// parseDevice reads "cpu" (or ""), "cuda" (device 0) and "cuda:N".
func parseDevice(s string) (deviceSpec, error) {
	switch {
	case s == "" || s == DeviceCPU:
		return deviceSpec{}, nil
	case s == DeviceCUDA:
		return deviceSpec{cuda: true}, nil
	case strings.HasPrefix(s, DeviceCUDA+":"):
		n, err := strconv.Atoi(s[len(DeviceCUDA)+1:])
		if err == nil && n >= 0 {
			return deviceSpec{cuda: true, ordinal: n}, nil
		}
	}
	return deviceSpec{}, &ParamError{Name: "device", Value: s, Allowed: "cpu, cuda, cuda:N"}
}

// gpuHistDevice applies XGBoost 1.7's tree_method gpu_hist: it means
// the hist method on device cuda unless a device is given.
func gpuHistDevice(c *Config, params map[string]any) {
	if _, given := params["device"]; !given && c.TreeMethod == "gpu_hist" {
		c.Device = DeviceCUDA
	}
}

// validateDevice checks the device parameter and its combination with
// tree_method.
func (c *Config) validateDevice() error {
	d, err := parseDevice(c.Device)
	if err != nil {
		return err
	}
	if c.TreeMethod == "gpu_hist" && !d.cuda {
		return &ParamError{Name: "tree_method", Value: c.TreeMethod, Allowed: "hist with device " + c.Device + " (gpu_hist needs device cuda)"}
	}
	return nil
}

// onDevice reports whether training runs on a CUDA device.
func (c *Config) onDevice() bool {
	d, err := parseDevice(c.Device)
	return err == nil && d.cuda
}

// deviceOpener opens a training session on a device; gpu.Open, or in
// tests a session running the kernels' Go references.
type deviceOpener func(ctx context.Context, ordinal int, d gpu.Data) (gpu.Session, error)

// openCUDA opens a session on a CUDA device.
func openCUDA(ctx context.Context, ordinal int, d gpu.Data) (gpu.Session, error) {
	return gpu.Open(ctx, ordinal, d)
}

// deviceObjective is the gradient kernel of cfg's objective.
func deviceObjective(cfg *Config) (gpu.Objective, error) {
	spw := float32(cfg.ScalePosWeight)
	switch cfg.Objective {
	case ObjSquaredError:
		return gpu.Objective{Kind: gpu.SquaredError, ScalePosWeight: spw}, nil
	case ObjRegLogistic, ObjBinaryLogistic, ObjBinaryLogitRaw:
		return gpu.Objective{Kind: gpu.Logistic, ScalePosWeight: spw}, nil
	case ObjMultiSoftmax, ObjMultiSoftprob:
		return gpu.Objective{Kind: gpu.Softmax, ScalePosWeight: 1}, nil
	}
	return gpu.Objective{}, &ParamError{Name: "objective", Value: cfg.Objective, Allowed: fmt.Sprintf("one of %s, %s, %s, %s, %s, %s with device %s",
		ObjSquaredError, ObjRegLogistic, ObjBinaryLogistic, ObjBinaryLogitRaw, ObjMultiSoftmax, ObjMultiSoftprob, cfg.Device)}
}
