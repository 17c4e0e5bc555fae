//go:build !cuda

package gpu

import (
	"context"
	"fmt"
)

// Devices lists the CUDA devices. Without the cuda build tag it returns
// ErrNoGPU.
func Devices(ctx context.Context) ([]DeviceInfo, error) {
	return nil, fmt.Errorf("%w: built without the %q build tag", ErrNoGPU, BuildTag)
}

// Open starts a training session on device ordinal with the data
// uploaded. Without the cuda build tag it returns ErrNoGPU.
func Open(ctx context.Context, ordinal int, d Data) (Session, error) {
	return nil, fmt.Errorf("%w: built without the %q build tag", ErrNoGPU, BuildTag)
}
