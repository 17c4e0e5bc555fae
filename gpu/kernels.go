package gpu

//go:generate sh kernels/gen.sh

// kernelParams is the number of parameters of each kernel in
// kernels/train.cu. The launcher refuses a call with another count, and
// a test checks the table against the PTX (where every parameter must be
// 8 bytes wide, as the launcher passes them).
var kernelParams = map[string]int{
	"grad_squared":      7,
	"grad_logistic":     7,
	"grad_softmax":      7,
	"grad_summary":      5,
	"quantise":          12,
	"build_hist":        8,
	"hist_subtract":     3,
	"evaluate_splits":   13,
	"partition_count":   6,
	"partition_scan":    5,
	"partition_scatter": 8,
	"copy_rows":         3,
	"add_leaves":        6,
}
