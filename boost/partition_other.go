//go:build !amd64 || purego

package boost

// partitionVector has no vector kernel on this platform: it takes no rows.
func partitionVector(src []int32, col []uint8, bin int32, dst, dstR []int32) (n, left int) {
	return 0, 0
}
