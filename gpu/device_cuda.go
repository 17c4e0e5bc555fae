//go:build cuda

package gpu

import (
	"context"
	_ "embed"
	"fmt"

	"gorgonia.org/cu"
)

//go:embed kernels/train.ptx
var trainPTX string

// Devices lists the CUDA devices.
func Devices(ctx context.Context) ([]DeviceInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n, err := cu.NumDevices()
	if err != nil {
		return nil, &Error{Op: "count devices", Err: err}
	}
	out := make([]DeviceInfo, 0, n)
	for i := 0; i < n; i++ {
		info, err := deviceInfo(i)
		if err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	return out, nil
}

// deviceInfo describes device ordinal; an ordinal with no device is
// ErrNoGPU.
func deviceInfo(ordinal int) (DeviceInfo, error) {
	n, err := cu.NumDevices()
	if err != nil {
		return DeviceInfo{}, &Error{Op: "count devices", Err: err}
	}
	if ordinal < 0 || ordinal >= n {
		return DeviceInfo{}, fmt.Errorf("%w: device cuda:%d requested, %d present", ErrNoGPU, ordinal, n)
	}
	dev, err := cu.GetDevice(ordinal)
	if err != nil {
		return DeviceInfo{}, &Error{Op: "get device", Kernel: fmt.Sprintf("cuda:%d", ordinal), Err: err}
	}
	info := DeviceInfo{Ordinal: ordinal, DriverVersion: cu.Version()}
	if info.Name, err = dev.Name(); err != nil {
		return DeviceInfo{}, &Error{Op: "device name", Err: err}
	}
	if info.TotalMem, err = dev.TotalMem(); err != nil {
		return DeviceInfo{}, &Error{Op: "device memory", Err: err}
	}
	attrs, err := dev.Attributes(cu.ComputeCapabilityMajor, cu.ComputeCapabilityMinor, cu.MultiprocessorCount)
	if err != nil {
		return DeviceInfo{}, &Error{Op: "device attributes", Err: err}
	}
	info.Major, info.Minor, info.Multiprocessors = attrs[0], attrs[1], attrs[2]
	return info, nil
}

// Open starts a training session on device ordinal and uploads d. The
// session's driver calls all run on one goroutine locked to an OS
// thread, on which the device's primary context is current, until Close.
func Open(ctx context.Context, ordinal int, d Data) (Session, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	info, err := deviceInfo(ordinal)
	if err != nil {
		return nil, err
	}
	w := startWorker(ordinal)
	s := &cudaSession{w: w, info: info, d: d}
	if err := w.call(ctx, s.init); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}
