//go:build !cuda

package boost

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestDeviceWithoutCUDABuild checks that device cuda in a build without
// the cuda tag fails with ErrNoGPU, naming the device and the build tag.
func TestDeviceWithoutCUDABuild(t *testing.T) {
	d := deviceTestData(t, 200, 3, 1, "reg", 0)
	for _, p := range []map[string]any{{"device": "cuda"}, {"device": "cuda:1"}, {"tree_method": "gpu_hist"}} {
		cfg, err := NewConfig(p)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Train(context.Background(), cfg, d, TrainOptions{})
		if !errors.Is(err, ErrNoGPU) || !strings.Contains(err.Error(), `"cuda" build tag`) ||
			!strings.Contains(err.Error(), "device "+cfg.Device) {
			t.Errorf("%v: error %v, want ErrNoGPU naming the device and the cuda build tag", p, err)
		}
	}
}
