//go:build amd64 && !purego

package boost

import "testing"

// TestPartitionAVX2 runs TestPartitionVector's checks on the AVX2 kernel
// where the processor would otherwise take the AVX-512 one.
func TestPartitionAVX2(t *testing.T) {
	if !hasPartitionAVX2 || !hasPartitionAVX512 {
		t.Skip("TestPartitionVector covers the kernel this processor takes")
	}
	hasPartitionAVX512 = false
	defer func() { hasPartitionAVX512 = true }()
	checkPartitionVector(t)
}
