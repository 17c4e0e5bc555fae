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
package boost
