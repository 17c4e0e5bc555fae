//go:build amd64 && !purego

package boost

import "golang.org/x/sys/cpu"

// expfMainAVX2 runs glibcf.ExpfMain over groups of four of x (XORed
// with flip) into out, while every value of a group is on the main path,
// and returns how many it wrote (see expf_amd64.s).
//
//go:noescape
func expfMainAVX2(out, x *float32, n int, flip uint32, table *[32]uint64) int

// hasExpfVector reports whether expfMainAVX2 can run here.
var hasExpfVector = cpu.X86.HasAVX2 && cpu.X86.HasFMA
