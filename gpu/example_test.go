//go:build !cuda

package gpu_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/sagepipe/sagepipe/gpu"
)

// Opening a session fails with ErrNoGPU in a build without the cuda tag
// (or without a device); a program can then fall back to the CPU.
func Example() {
	d := gpu.Data{Rows: 2, Features: 1, Groups: 1, Bins: []uint8{0, 1}, Offsets: []int32{0, 3},
		Values: []int32{2}, HasMissing: []bool{false}, Labels: []float32{1, 2}}
	s, err := gpu.Open(context.Background(), 0, d)
	if errors.Is(err, gpu.ErrNoGPU) {
		fmt.Println("no GPU: training on the CPU")
		return
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	fmt.Println("training on", s.Info().Name)
	// Output: no GPU: training on the CPU
}
