//go:build !amd64 || purego

package boost

import "unsafe"

// walkDenseVector has no vector path on this platform: it walks no rows.
func (p *Predictor) walkDenseVector(w *treeLayout, base unsafe.Pointer, stride uintptr, pos []int32) int {
	return 0
}

// hasVectorWalk reports whether walkDenseVector can run here: never.
const hasVectorWalk = false
