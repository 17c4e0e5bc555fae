//go:build !amd64 || purego

package boost

const hasExpfVector = false

func expfMainAVX2(out, x *float32, n int, flip uint32, table *[32]uint64) int { return 0 }
