// Package glibcf computes float32 functions of C's math library exactly as
// glibc (2.36, the C library Debian's XGBoost is built against) computes
// them, bit for bit, for every input: XGBoost's gradients and transforms
// call them, and the correctly rounded results differ from glibc's for
// some arguments. Package boost's CPU path and package gpu's kernel
// references both use them.
package glibcf
