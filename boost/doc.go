// Package boost trains and serves histogram gradient-boosted trees with the
// semantics of XGBoost 1.7's "hist" tree method, and reads and writes
// XGBoost 1.7 model files.
//
// # The model
//
// A [Model] is an XGBoost "gbtree" booster in XGBoost's own layout: a list
// of [Tree] values in boosting order, each a set of parallel per-node
// arrays (children, parent, split feature, threshold or leaf value, default
// direction for missing values, and the statistics XGBoost records), plus
// the objective, base score and feature metadata. The layout is documented
// at the top of model.go.
//
// # Building trees
//
// Trainers build trees through [NewTree] and [Tree.AddSplit]: NewTree makes
// a single root leaf, AddSplit turns a leaf into a split and appends its two
// children (left, then right, so siblings are adjacent as XGBoost
// requires). Append each tree to Model.Trees with its output group in
// Model.TreeInfo. [Model.Validate] checks the result; saving and
// prediction call it too.
//
// # Training
//
// [Train] fits a model with the hist method. Data come in a [DMatrix]:
// from plain column slices ([NewDMatrix], [NewDMatrix32]) or from any
// columnar table through the small [Table] interface ([FromTable]), with
// optional sample weights ([DMatrix.SetWeight]); NaN is a missing value.
//
// A [dataset.Dataset] feeds training as xgboost-ray's
// RayDMatrix(ds, label="PRICE") does: [FromDataset] streams its blocks
// into a DMatrix, taking the label, optional weight and feature columns
// named in [DatasetColumns] (by default every other column); nulls are
// missing values. A column the dataset lacks is an error listing the
// columns it has, a non-numeric one a [*ColumnTypeError].
// [FromDatasetShards] keeps a dataset's splits apart so that each
// distributed training actor holds one ([DistOptions.ShardRows]), and
// [Predictor.PredictDataset] predicts a dataset block by block.
//
//	cfg, err := boost.NewConfig(map[string]any{
//		"objective": "reg:squarederror", "eta": 0.3, "max_depth": 6,
//		"eval_metric": []string{"mae", "rmse"}, "num_boost_round": 100,
//		"early_stopping_rounds": 10,
//	})
//	res, err := boost.Train(ctx, cfg, dtrain, boost.TrainOptions{
//		Evals: []boost.EvalSet{{Name: "validation", Data: dvalid}},
//		Log:   os.Stdout, // "[12]\tvalidation-mae:…\tvalidation-rmse:…"
//	})
//	res.Model.Save(ctx, "model.json")
//
// Each feature is cut into at most max_bin (≤ 256) bins by XGBoost
// 1.7.4's own weighted quantile sketch, reproduced operation by operation
// in float32, so the cuts (cut values and the minimum below them) are
// XGBoost's bit for bit for the same data and weights, whatever the
// thread count; a row is one uint8 bin index per feature. (A
// feature with 256 bins and missing values shares its top bin's code with
// its missing values, which the float value then tells apart.)
// A tree grows depthwise (level by level, up to max_depth) or lossguide
// (best gain first, up to max_leaves): for each node the gradient
// histogram is built in parallel over rows, only for the smaller child of
// a split (the larger one is the parent minus its sibling), and every
// split is tried with missing values sent left and right, the better
// direction becoming the node's default. Candidates are tried in XGBoost
// 1.7.4's order (per feature: missing values right with the threshold
// rising, then missing values left with it falling; the first of equal
// gains wins), and leaf values, gains and covers are computed with its
// float32 and float64 operations in its order. Histogram sums are
// float64, added exactly as XGBoost's hist method adds them with the same
// nthread (its row blocks, its per-thread buffers and their reduction
// order, its choice of the child to build and the sibling to subtract),
// so given the same gradients the trained trees are XGBoost's bit for
// bit, with one thread or several (like XGBoost's, they depend on the
// thread count). The objectives compute their float32 gradients with
// XGBoost's operations in its order, and the C library functions it calls
// (expf, log1pf) as glibc computes them, so the trees are XGBoost's for
// every objective. A split gain that
// overflows float32 is skipped, as XGBoost
// skips it; a gradient or tree value beyond float32's range fails training
// with [ErrTrain]. Infinite labels and features are refused, as XGBoost
// refuses them. [TrainOptions] adds eval sets (the log line, the
// [EvalsResult], early stopping on the last metric of the last set with
// best_iteration), a progress callback and continuation from an initial
// model.
//
// # Parameters
//
// [NewConfig] takes XGBoost's parameter names (and its aliases such as
// learning_rate), applies XGBoost 1.7.4's defaults and checks every value:
// an unknown name or a value out of range is a [*ParamError] naming the
// parameter and the allowed range. [Config] holds the result.
//
// # Training on a GPU
//
// With device "cuda" (or "cuda:N"; XGBoost 1.7's tree_method "gpu_hist"
// means the same) [Train] keeps the rows on an NVIDIA GPU and runs every
// phase of a round there through package gpu: gradients (squared error,
// logistic and softmax objectives), fixed-point histograms, split
// evaluation, row partitioning and the training margins. The trees are
// those of the fixed-point CPU path that distributed training uses, bit
// for bit (not single-process training's float64 sums). The CUDA code is compiled only with the
// cuda build tag; in a build without it, device "cuda" fails with an
// error matching [ErrNoGPU] that names the tag.
//
// # Objectives and metrics
//
// All thirteen objectives in [ObjectiveNames] compute XGBoost 1.7's gradients
// (including its quirks: count:poisson's max_delta_step of 0.7 on the
// trees too, and reg:absoluteerror's leaves refreshed to the median
// residual without the learning rate). The metrics in [MetricNames] match
// XGBoost's values to float precision; [Metric] evaluates one directly.
//
// # Determinism and distributed training
//
// [Train] on one machine sums in float64 in XGBoost's order (above).
// Distributed and device training enter the gradients into the histograms
// as int64 fixed-point values instead, so that a histogram sum does not
// depend on how rows are split among threads or machines. Each tree's
// scale is a power of two chosen from an exact count of the gradients'
// float32 exponents: it follows the sum of their magnitudes rather than
// the largest one, so a single huge gradient does not round the others
// away, and every sum stays below 2^53 so that split finding on it in
// float64 is exact too. The sums are exact whenever the
// gradients' dynamic range allows it. [TrainDistributed] uses that: the rows are split into
// NumActors shards held by actors of an [actor.System], each actor bins
// its shard and builds its part of every node's histogram, and the driver
// adds them up (an all-reduce) and grows the tree. The cuts are those of
// XGBoost's distributed sketch: each actor sketches its own shard and the
// summaries are merged in shard order, so, as in XGBoost, they generally
// differ from single-process cuts of the same data (with one actor they
// are the same). The model is, byte for byte, [Train]'s with those cuts. With MaxActorRestarts a dead actor is
// replaced and training resumes from the last checkpoint (every
// CheckpointEvery rounds), again with the same model. Row subsampling and
// column sampling are seeded by the round, not by a running stream, for
// the same reason.
//
// # Loading and saving
//
// [LoadModel] and [DecodeModel] read XGBoost 1.7 JSON and UBJSON model
// files and XGBoost 1.x's legacy binary format — what save_model writes
// for names other than ".json" and ".ubj" and what SageMaker's XGBoost
// container saves as "xgboost-model" — detecting the format from the
// content; [Model.Save] (format from the file name, see [FormatForPath])
// and [Model.Encode] write them, byte for byte as XGBoost 1.7.4 writes the
// same model, so XGBoost loads our models and we load its own. The binary
// format has no feature names or types; [DecodeBinary] reads it alone.
// Only "gbtree" boosters with numerical splits are supported: a model with
// categorical features is refused with an error saying so, in any format.
// A malformed, truncated or
// hostile file is an error wrapping [ErrModelFormat] that names the field,
// never a panic, and memory stays proportional to the file's size.
//
// # Prediction
//
// [Model.NewPredictor] prepares a model once; its [Predictor.Margin],
// [Predictor.Predict] (the objective's output transform, see [Transform]),
// [Predictor.Leaves] and [Predictor.Contribs] take a row-major float32
// matrix with NaN for missing values ([RowMajor] converts columns) and
// split the rows over goroutines; their *Matrix variants
// ([Predictor.PredictMatrix], ...) take a [Matrix] that carries its column
// count and refuse rows of the wrong width, which a flat slice cannot
// reveal. Prediction checks its context by work done, so even TreeSHAP on
// deep models stops promptly when cancelled. The margin is the base margin plus every
// tree's leaf value added in float32 in tree order, as XGBoost does, so
// predictions equal XGBoost's bit for bit. Transforms that call expf
// (logistic, softprob, exp) use glibc's expf, reproduced step for step as
// its FMA build computes it (see the objectives above).
//
// [Predictor.Contribs] gives TreeSHAP feature contributions (XGBoost's
// pred_contribs), and [Model.Importance] the weight, gain, cover,
// total_gain and total_cover importances of XGBoost's get_score.
//
// # Errors
//
// Every failure wraps one of a few sentinels, with the parameter, column,
// field, round or file named: [ErrParam] (also as a [*ParamError]),
// [ErrInput] (also as a [*ColumnTypeError]), [ErrLabel], [ErrModelFormat],
// [ErrTrain] and [ErrPredict]; test them with errors.Is and errors.As. A
// panic in a training callback, a prediction worker or a model decoder does
// not cross the API: it comes back as an error wrapping the operation's
// sentinel and an [*actor.PanicError] (the one panic error shared with the
// actor and dataset packages) that carries where it happened, the panic
// value and its stack, and unwraps to the value when it is an error.
package boost
