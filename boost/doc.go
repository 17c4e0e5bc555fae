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
// # Loading and saving
//
// [LoadModel] and [DecodeModel] read XGBoost 1.7 JSON and UBJSON model
// files (the format is detected from the content); [Model.Save] and
// [Model.Encode] write them, byte for byte as XGBoost 1.7.4 writes the same
// model, so XGBoost loads our models and we load its own. Only "gbtree"
// boosters with numerical splits are supported. A malformed, truncated or
// hostile file is an error wrapping [ErrModelFormat] that names the field,
// never a panic, and memory stays proportional to the file's size.
//
// # Prediction
//
// [Model.NewPredictor] prepares a model once; its [Predictor.Margin],
// [Predictor.Predict] (the objective's output transform, see [Transform]),
// [Predictor.Leaves] and [Predictor.Contribs] take a row-major float32
// matrix with NaN for missing values ([RowMajor] converts columns) and
// split the rows over goroutines. The margin is the base margin plus every
// tree's leaf value added in float32 in tree order, as XGBoost does, so
// predictions equal XGBoost's bit for bit. Transforms that call expf
// (logistic, softprob, exp) use a correctly rounded expf; glibc's differs
// from it in rare cases by an ulp.
//
// [Predictor.Contribs] gives TreeSHAP feature contributions (XGBoost's
// pred_contribs), and [Model.Importance] the weight, gain, cover,
// total_gain and total_cover importances of XGBoost's get_score.
package boost
