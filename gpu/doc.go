// Package gpu trains histogram gradient-boosted trees on an NVIDIA GPU
// through the CUDA driver API (gorgonia.org/cu).
//
// A Session holds one training run on a device: the binned data, the
// margins, gradients and row index, and the histograms of the nodes being
// grown. Its methods are the phases of a boosting round, each one or a
// few kernel launches: Gradients (squared error, logistic, softmax) with
// a summary of their magnitudes, Quantise (fixed-point gradient pairs,
// with the round's subsample), BuildHists (per-node histograms in shared
// memory), Subtract (a sibling's histogram as parent minus built child),
// Evaluate (the best split of every node, on the device), Partition (a
// stable partition of every split node's rows) and AddLeaves (the
// prediction cache). The tree itself is assembled on the host by the
// caller, package boost.
//
// # Build tag
//
// The CUDA backend is compiled only with the cuda build tag, and needs the
// CUDA headers (Debian's non-free nvidia-cuda-dev) to build and the
// driver's libcuda.so.1 to run. gorgonia.org/cu initialises the driver
// when the program starts and exits the process if that fails, so a
// binary built with the tag runs only on a machine with a GPU. Without
// the tag, Open and Devices return ErrNoGPU, and nothing links against
// CUDA.
//
// # Exactness
//
// Gradient pairs enter histograms as int64 fixed point, so the histograms
// a device builds equal those of boost's CPU path bit for bit, whatever
// the order of the atomic additions. Every kernel has a Go reference that
// performs the same operations in the same order and precision, and
// NewReference runs a whole Session on them: boost's tests train with it
// and compare the trees with the CPU path's, so the only thing left to a
// GPU test is that the device executes the kernels as their references
// do. The kernels are compiled with --fmad=false so that no
// multiply-add is fused where Go rounds twice; the one place that fuses,
// expf, does so explicitly (fma on the device, math.FMA in Go). Their
// arithmetic (the gradient formulas, exp, gains and weights, the scan of
// a feature's split candidates) lives in functions that also compile for
// the host: where nvcc is installed, a test builds kernels/hostcheck.cu
// and compares those functions' results with the references on generated
// inputs.
//
// The logistic and softmax gradients' exp is C's expf as glibc (2.28 and
// later) computes it in its x86-64 build for processors with FMA, which
// is also the CPU path's, so that the gradients are XGBoost's bit for
// bit: a 32-entry table of 2^(i/32), a cubic polynomial evaluated in
// float64 with fused multiply-adds where that build has them, rounded
// once to float32, and glibc's special cases for |x| >= 88. It is not
// correctly rounded (within 0.502 ulp of exp), but the same steps give
// the same float32 on the device, in the Go reference and in the C
// library; a test compares the reference with the C library's expf where
// it runs on such a processor.
//
// # Kernels
//
// The CUDA C sources are in kernels/train.cu; kernels/gen.sh compiles
// them to kernels/train.ptx with nvcc 11.8 (committed, embedded in the
// cuda build with go:embed, JIT-compiled by the driver at Open), and
// kernels/check.sh checks that the committed PTX is current.
package gpu
